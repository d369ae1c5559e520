// PDF inputs end to end: a FileField through the real OpenAI and Anthropic SDK clients over real
// HTTP to the fake LLM server, from run, runAsync and streamAsync; the wire shape read back from
// the requests the server saw (OpenAI `file` parts, Anthropic `document` blocks).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesOf, startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServerThread, RecordedRequest } from "@kaizen/testing";
import { InputValidationError } from "@kaizen/signatures";
import { UnsupportedContentError } from "@kaizen/contracts";
import type { LLMProvider } from "@kaizen/contracts";
import { InvoiceSignature, TINY_PDF } from "./__fixtures__/images.js";
import { BaseAgent, BaseAgentConfig } from "./index.js";

type Vendor = "openai" | "anthropic";
let server: FakeLLMServerThread;
const agents: BaseAgent<InvoiceSignature>[] = [];
beforeAll(async () => {
  server = await startFakeLLMServerThread();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await server.close();
});

function makeAgent(vendor: Vendor, useAsyncLlm: boolean): BaseAgent<InvoiceSignature> {
  const config = new BaseAgentConfig({
    llmProvider: vendor,
    model: vendor === "openai" ? "gpt-4o-mini" : "claude-sonnet-4-5",
    apiKey: vendor === "openai" ? "sk-fake-kaizen-files-0001" : "sk-ant-fake-kaizen-files-0001",
    baseUrl: vendor === "openai" ? server.openaiBaseUrl : server.anthropicBaseUrl,
    maxTokens: 400,
    useAsyncLlm,
  });
  const agent = new BaseAgent({ config, signature: new InvoiceSignature() });
  agents.push(agent);
  return agent;
}

async function chatRequests(): Promise<RecordedRequest[]> {
  return (await server.requests()).filter((r) => r.path === "/v1/chat/completions" || r.path === "/v1/messages");
}

const inputs = {
  invoice: { data: TINY_PDF, mediaType: "application/pdf" as const, filename: "invoice-7.pdf" },
  question: "What is 6+7?",
};

describe.each(["openai", "anthropic"] as const)("a PDF input on %s", (vendor) => {
  it.each(["run", "runAsync", "streamAsync"] as const)("reaches the API as a document from %s", async (mode) => {
    const before = (await chatRequests()).length;
    let result: { answer: string };
    if (mode === "run") result = makeAgent(vendor, false).run(inputs);
    else if (mode === "runAsync") result = await makeAgent(vendor, true).runAsync(inputs);
    else {
      const stream = makeAgent(vendor, true).streamAsync(inputs);
      for await (const _ of stream) {
        // Partial objects; the result is what counts here.
      }
      result = await stream.result;
    }
    expect(result.answer).toContain("13");
    const sent = (await chatRequests()).slice(before);
    expect(sent).toHaveLength(1);
    expect(filesOf(sent[0])).toEqual([
      expect.objectContaining({
        protocol: vendor,
        mediaType: "application/pdf",
        data: TINY_PDF.toString("base64"),
        filename: "invoice-7.pdf",
      }),
    ]);
  });

  it("a file that is not a PDF fails before any request, naming the field", async () => {
    const before = (await chatRequests()).length;
    const error = await makeAgent(vendor, true)
      .runAsync({ invoice: { data: Buffer.from("plain text"), mediaType: "application/pdf" }, question: "?" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).field).toBe("invoice");
    expect((error as Error).message).toContain("the bytes are not a PDF");
    expect(await chatRequests()).toHaveLength(before);
  });
});

it("a provider without supportsFiles gets UnsupportedContentError before it is called", async () => {
  let calls = 0;
  const imagesOnly: LLMProvider = {
    name: "images-only",
    supportsImages: true,
    async chatAsync() {
      calls++;
      throw new Error("must not be called");
    },
  };
  const agent = new BaseAgent({
    config: new BaseAgentConfig({ model: "m", useAsyncLlm: true, llmProvider: "openai", apiKey: "sk-unused-000000" }),
    signature: new InvoiceSignature(),
    provider: imagesOnly,
  });
  const error = await agent.runAsync(inputs).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnsupportedContentError);
  expect((error as UnsupportedContentError).contentType).toBe("file");
  expect(calls).toBe(0);
  await agent.close();
});
