// Scripted finish reasons (refusal, cut-off, content filter) through the real `openai` and
// `@anthropic-ai/sdk` clients, over real HTTP, JSON and streams.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "./fake-llm-server.js";
import { startFakeLLMServerThread, type FakeLLMServerThread } from "./fake-llm-thread.js";
import type { FakeLLMServer } from "./fake-llm-types.js";

let server: FakeLLMServer;
let openai: OpenAI;
let anthropic: Anthropic;

const schema = {
  type: "object",
  properties: { answer: { type: "string" }, steps: { type: "array", items: { type: "string" }, minItems: 3 } },
  required: ["answer", "steps"],
  additionalProperties: false,
};
const question = [{ role: "user" as const, content: "What is 6 times 7? Explain each step." }];

beforeAll(async () => {
  server = await startFakeLLMServer();
  openai = new OpenAI({ apiKey: "sk-test-finish-0000000000", baseURL: server.openaiBaseUrl, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "sk-ant-test-finish-000000", baseURL: server.anthropicBaseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.resetScript();
  server.clearRequests();
});

const openaiStructured = {
  model: "gpt-4o",
  messages: question,
  max_completion_tokens: 300,
  response_format: { type: "json_schema" as const, json_schema: { name: "qa", strict: true, schema } },
};
const anthropicStructured = {
  model: "claude-sonnet-4-6",
  max_tokens: 300,
  messages: question,
  output_config: { format: { type: "json_schema" as const, schema } },
};

describe("OpenAI finish reasons", () => {
  it("refuses with message.refusal, content null and finish_reason stop", async () => {
    server.finish({ reason: "refusal", explanation: "I can't help with making weapons." });
    const res = await openai.chat.completions.create(openaiStructured);
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe("stop");
    expect(choice.message.content).toBeNull();
    expect(choice.message.refusal).toBe("I can't help with making weapons.");
    expect(res.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("streams a refusal as delta.refusal pieces, then finish_reason stop", async () => {
    server.finish({ reason: "refusal", explanation: "I can't help with making weapons." });
    const stream = await openai.chat.completions.create({ ...openaiStructured, stream: true });
    let refusal = "";
    let content = "";
    const finishes: string[] = [];
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      refusal += choice.delta.refusal ?? "";
      content += choice.delta.content ?? "";
      if (choice.finish_reason) finishes.push(choice.finish_reason);
    }
    expect(refusal).toBe("I can't help with making weapons.");
    expect(content).toBe("");
    expect(finishes).toEqual(["stop"]);
  });

  it("cuts an answer off with finish_reason length: partial JSON, the budget reported as used", async () => {
    server.finish({ reason: "length" });
    const res = await openai.chat.completions.create(openaiStructured);
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe("length");
    const text = choice.message.content ?? "";
    expect(text.startsWith("{")).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(res.usage?.completion_tokens).toBe(300);

    server.finish({ reason: "length" });
    const stream = await openai.chat.completions.create({ ...openaiStructured, stream: true });
    let streamed = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe("length");
    expect(streamed).toBe(text);
  });

  it("filters with finish_reason content_filter and no content, JSON and stream", async () => {
    server.finish({ reason: "content_filter" }, { times: 2 });
    const res = await openai.chat.completions.create(openaiStructured);
    expect(res.choices[0]?.finish_reason).toBe("content_filter");
    expect(res.choices[0]?.message.content).toBeNull();
    expect(res.choices[0]?.message.refusal).toBeNull();
    const stream = await openai.chat.completions.create({ ...openaiStructured, stream: true });
    const finishes: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
    expect(finishes).toEqual(["content_filter"]);
  });

  it("applies a finish only to matching requests, and resetScript drops it", async () => {
    server.finish({ reason: "refusal" }, { match: (r) => JSON.stringify(r.body).includes("weapons") });
    const normal = await openai.chat.completions.create(openaiStructured);
    expect(normal.choices[0]?.finish_reason).toBe("stop");
    expect(normal.choices[0]?.message.refusal).toBeNull();
    server.resetScript();
    const after = await openai.chat.completions.create({ ...openaiStructured, messages: [{ role: "user", content: "weapons" }] });
    expect(after.choices[0]?.message.refusal).toBeNull();
    expect(() => server.finish({ reason: "nope" } as never)).toThrow(/Unknown finish reason "nope"/);
  });
});

describe("Anthropic finish reasons", () => {
  it("refuses with stop_reason refusal, stop_details with category and explanation, no content", async () => {
    server.finish({ reason: "refusal", explanation: "This request could enable cyber harm.", category: "cyber" });
    const res = await anthropic.messages.create(anthropicStructured);
    expect(res.stop_reason).toBe("refusal");
    expect(res.stop_details).toEqual({
      type: "refusal",
      category: "cyber",
      explanation: "This request could enable cyber harm.",
    });
    expect(res.content).toEqual([]);
  });

  it("streams a refusal: message_delta carries stop_reason refusal and stop_details", async () => {
    server.finish({ reason: "refusal", explanation: "Not something I can help with." });
    const stream = anthropic.messages.stream(anthropicStructured);
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("refusal");
    expect(final.stop_details).toEqual({ type: "refusal", category: null, explanation: "Not something I can help with." });
    expect(final.content).toEqual([]);
  });

  it("cuts an answer off with stop_reason max_tokens and partial JSON, JSON and stream", async () => {
    server.finish({ reason: "length" }, { times: 2 });
    const res = await anthropic.messages.create(anthropicStructured);
    expect(res.stop_reason).toBe("max_tokens");
    expect(res.usage.output_tokens).toBe(300);
    const block = res.content[0];
    const text = block?.type === "text" ? block.text : "";
    expect(text.startsWith("{")).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    const final = await anthropic.messages.stream(anthropicStructured).finalMessage();
    expect(final.stop_reason).toBe("max_tokens");
    expect(final.content[0]?.type === "text" ? final.content[0].text : "").toBe(text);
  });

  it("answers a content filter as its API does: stop_reason refusal, no explanation", async () => {
    server.finish({ reason: "content_filter" });
    const res = await anthropic.messages.create(anthropicStructured);
    expect(res.stop_reason).toBe("refusal");
    expect(res.stop_details).toEqual({ type: "refusal", category: "general_harms", explanation: null });
  });

  it("a normal answer carries stop_details: null", async () => {
    const res = await anthropic.messages.create(anthropicStructured);
    expect(res.stop_reason).toBe("end_turn");
    expect(res.stop_details).toBeNull();
  });
});

describe("finish scripting on the thread server", () => {
  let thread: FakeLLMServerThread;
  beforeAll(async () => {
    thread = await startFakeLLMServerThread();
  });
  afterAll(async () => {
    await thread.close();
  });

  it("crosses the thread like faults and replies", async () => {
    await thread.finish({ reason: "refusal", explanation: "No." }, { path: "/v1/chat/completions" });
    const client = new OpenAI({ apiKey: "sk-test-thread-000000000", baseURL: thread.openaiBaseUrl, maxRetries: 0 });
    const res = await client.chat.completions.create(openaiStructured);
    expect(res.choices[0]?.message.refusal).toBe("No.");
  });
});
