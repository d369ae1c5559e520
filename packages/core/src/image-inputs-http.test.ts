// Image inputs end to end: a signature with an ImageField, the real OpenAI and Anthropic SDK
// clients over real HTTP to the fake LLM server (in its own thread, so run() can block), from
// run, runAsync and streamAsync. The wire shape is read back from the requests the server saw.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BufferMemory } from "@kaizen/memory";
import { imagesOf, startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServerThread, RecordedRequest } from "@kaizen/testing";
import { InputValidationError } from "@kaizen/signatures";
import { UnsupportedContentError } from "@kaizen/contracts";
import type { ChatRequest, ChatResponse, LLMProvider } from "@kaizen/contracts";
import { ReceiptSignature, TINY_PNG, TINY_PNG_BASE64 } from "./__fixtures__/images.js";
import { BaseAgent, BaseAgentConfig } from "./index.js";

type Vendor = "openai" | "anthropic";
type Mode = "run" | "runAsync" | "streamAsync";

let server: FakeLLMServerThread;
const agents: BaseAgent<ReceiptSignature>[] = [];
beforeAll(async () => {
  server = await startFakeLLMServerThread();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await server.close();
});

function makeAgent(vendor: Vendor, useAsyncLlm: boolean, memory?: BufferMemory): BaseAgent<ReceiptSignature> {
  const config = new BaseAgentConfig({
    llmProvider: vendor,
    model: vendor === "openai" ? "gpt-4o-mini" : "claude-sonnet-4-5",
    apiKey: vendor === "openai" ? "sk-fake-kaizen-images-0001" : "sk-ant-fake-kaizen-images-0001",
    baseUrl: vendor === "openai" ? server.openaiBaseUrl : server.anthropicBaseUrl,
    maxTokens: 400,
    useAsyncLlm,
  });
  const agent = new BaseAgent({ config, signature: new ReceiptSignature(), memory });
  agents.push(agent);
  return agent;
}

async function runIn(mode: Mode, vendor: Vendor, inputs: Parameters<BaseAgent<ReceiptSignature>["run"]>[0]) {
  if (mode === "run") return makeAgent(vendor, false).run(inputs);
  const agent = makeAgent(vendor, true);
  if (mode === "runAsync") return agent.runAsync(inputs);
  const stream = agent.streamAsync(inputs);
  for await (const _ of stream) {
    // Partial objects; the result is what counts here.
  }
  return stream.result;
}

async function chatRequests(): Promise<RecordedRequest[]> {
  return (await server.requests()).filter((r) => r.path === "/v1/chat/completions" || r.path === "/v1/messages");
}

function userContent(request: RecordedRequest): unknown {
  const messages = (request.body as { messages: { role: string; content: unknown }[] }).messages;
  return messages.filter((m) => m.role === "user").at(-1)?.content;
}

const question = "What is 2+3?";

describe.each(["openai", "anthropic"] as const)("an image input on %s", (vendor) => {
  it.each(["run", "runAsync", "streamAsync"] as const)(
    "reaches the API as an image in the right wire shape from %s",
    async (mode) => {
      const before = (await chatRequests()).length;
      const result = await runIn(mode, vendor, { receipt: { data: TINY_PNG, mediaType: "image/png" }, question });
      expect(result.answer).toContain("5");
      const sent = (await chatRequests()).slice(before);
      expect(sent).toHaveLength(1);
      const image =
        vendor === "openai"
          ? { type: "image_url", image_url: { url: `data:image/png;base64,${TINY_PNG_BASE64}` } }
          : { type: "image", source: { type: "base64", media_type: "image/png", data: TINY_PNG_BASE64 } };
      expect(userContent(sent[0]!)).toEqual([
        { type: "text", text: "Photo of the receipt (receipt):" },
        image,
        { type: "text", text: `Question (question):\n${question}` },
      ]);
      if (mode === "streamAsync") expect((sent[0]!.body as { stream?: boolean }).stream).toBe(true);
    },
  );

  it("an https URL travels as a URL (OpenAI keeps the detail)", async () => {
    const before = (await chatRequests()).length;
    const agent = makeAgent(vendor, true);
    await agent.runAsync({ receipt: "https://cdn.example.com/receipts/42.png", question });
    const [image] = imagesOf((await chatRequests())[before]);
    expect(image).toMatchObject({ protocol: vendor, kind: "url", url: "https://cdn.example.com/receipts/42.png" });
  });

  it.each([
    [
      "an oversized image",
      { data: Buffer.concat([TINY_PNG, Buffer.alloc(5 * 1024 * 1024)]), mediaType: "image/png" as const },
      /"receipt": the image is 5\.0 MB, over the limit of 5 MB \(maxBytes\); resize or compress it/,
    ],
    [
      "a media type the vendors refuse",
      { data: TINY_PNG, mediaType: "image/bmp" as never },
      /"receipt": media type "image\/bmp" is not accepted; use one of image\/jpeg, image\/png, image\/gif, image\/webp/,
    ],
    ["a file path", "./receipt.png", /"receipt": .*a file path is not read/],
  ])("%s fails before any request, naming the field and the limit (run and runAsync)", async (_what, receipt, message) => {
    const before = (await chatRequests()).length;
    const sync = (() => {
      try {
        makeAgent(vendor, false).run({ receipt, question });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    const async = await makeAgent(vendor, true)
      .runAsync({ receipt, question })
      .catch((error: unknown) => error);
    for (const error of [sync, async]) {
      expect(error).toBeInstanceOf(InputValidationError);
      expect((error as InputValidationError).field).toBe("receipt");
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(TINY_PNG_BASE64.slice(0, 24));
    }
    expect(await chatRequests()).toHaveLength(before);
  });

  it("memory keeps a reference, not the bytes; the earlier turn's image goes back as that text", async () => {
    const memory = new BufferMemory();
    const agent = makeAgent(vendor, true, memory);
    const sessionId = `images-${vendor}-${process.pid}`;
    await agent.runAsync({ receipt: { data: TINY_PNG, mediaType: "image/png" }, question: "What is 1+1?" }, { sessionId });
    const before = (await chatRequests()).length;
    await agent.runAsync({ receipt: "https://cdn.example.com/second.png", question }, { sessionId });
    const stored = (await memory.loadAsync(sessionId)).turns;
    expect(stored[0]!.inputs.receipt).toMatchObject({ type: "image-ref", mediaType: "image/png", bytes: TINY_PNG.byteLength });
    expect(JSON.stringify(stored)).not.toContain(TINY_PNG_BASE64.slice(0, 24));
    const second = (await chatRequests())[before]!;
    // One image on the wire: this turn's URL; the earlier one is its text reference.
    expect(imagesOf(second)).toEqual([expect.objectContaining({ kind: "url", url: "https://cdn.example.com/second.png" })]);
    expect(JSON.stringify(second.body)).toMatch(/\[image: image\/png, \d+ bytes, sha256 [0-9a-f]{64}\]/);
    expect(JSON.stringify(second.body)).not.toContain(TINY_PNG_BASE64.slice(0, 24));
  });
});

describe("a provider that does not take images", () => {
  it("fails with UnsupportedContentError before calling it", async () => {
    let calls = 0;
    const textOnly: LLMProvider = {
      name: "text-only",
      async chatAsync(_request: ChatRequest): Promise<ChatResponse> {
        calls++;
        throw new Error("must not be called");
      },
    };
    const agent = new BaseAgent({
      config: new BaseAgentConfig({ model: "m", useAsyncLlm: true, llmProvider: "openai", apiKey: "sk-unused-000000" }),
      signature: new ReceiptSignature(),
      provider: textOnly,
    });
    const error = await agent.runAsync({ receipt: "https://cdn.example.com/r.png", question }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedContentError);
    expect((error as UnsupportedContentError).code).toBe("unsupported_content");
    expect((error as Error).message).toContain('The provider "text-only" does not take image inputs');
    expect(calls).toBe(0);
    await agent.close();
  });
});
