// The README's examples, run as written against the fake LLM server (the openai SDK reads
// OPENAI_BASE_URL, so the example code itself stays unchanged).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer } from "@kaizen/testing";
import { RateLimitError } from "@kaizen/contracts";
import { MockProvider, OpenAIProvider, computeCost, mockResponse } from "./index.js";

let server: FakeLLMServer;
const saved = { key: process.env.OPENAI_API_KEY, base: process.env.OPENAI_BASE_URL };

beforeAll(async () => {
  server = await startFakeLLMServer();
  process.env.OPENAI_API_KEY = "sk-readme-FAKE-0000000000";
  process.env.OPENAI_BASE_URL = server.openaiBaseUrl;
});

afterAll(async () => {
  for (const [name, value] of [
    ["OPENAI_API_KEY", saved.key],
    ["OPENAI_BASE_URL", saved.base],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await server.close();
});

describe("README examples", () => {
  it("the seed's OpenAIProvider(use_async=True) example", async () => {
    const provider = new OpenAIProvider({ useAsync: true });
    const response = await provider.chatAsync({
      messages: [{ role: "user", content: "Hello" }],
      model: "gpt-4o",
      generationConfig: { temperature: 0.7, maxTokens: 500 },
    });
    expect(response.content.length).toBeGreaterThan(0);
    expect(response.costUsd).toBeGreaterThan(0);
    const embeddings = await provider.embedAsync({ texts: ["Text 1", "Text 2"], model: "text-embedding-3-small" });
    expect(embeddings.embeddings.length).toBe(2);
    await provider.close();
  });

  it("structured output maps a null optional back to absent", async () => {
    const provider = new OpenAIProvider({ useAsync: true });
    server.reply({ answer: "4", note: null });
    const res = await provider.chatAsync({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What is 2+2?" }],
      output: {
        name: "QA",
        schema: { type: "object", properties: { answer: { type: "string" }, note: { type: "string" } }, required: ["answer"] },
      },
    });
    expect(res.structuredOutput).toBe("json_schema");
    expect(res.parsed).toEqual({ answer: "4" });
    await provider.close();
  });

  it("prices and the mock", () => {
    expect(computeCost("gpt-4o-mini", { inputTokens: 1000, outputTokens: 200, totalTokens: 1200 })).toBeCloseTo(0.00027, 10);
    const mock = new MockProvider({
      responses: [
        { answer: "4", confidence: 0.9 },
        new RateLimitError("slow down", { provider: "mock" }),
        mockResponse({ content: "cut off", finishReason: "length" }),
      ],
      respond: (_request, index) => `reply #${index}`,
    });
    const first = mock.chat({ model: "m", messages: [{ role: "user", content: "What is 2+2?" }] });
    expect(first.parsed).toEqual({ answer: "4", confidence: 0.9 });
    expect(mock.requests.length).toBe(1);
    expect(() => mock.chat({ model: "m", messages: [] })).toThrow(RateLimitError);
    expect(mock.chat({ model: "m", messages: [] }).finishReason).toBe("length");
    expect(mock.chat({ model: "m", messages: [] }).content).toBe("reply #3");
  });
});
