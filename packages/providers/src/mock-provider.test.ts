import { describe, expect, it } from "vitest";
import { AbortError, ConfigurationError, RateLimitError } from "@kaizen/contracts";
import type { ChatRequest, StreamEvent } from "@kaizen/contracts";
import { MockProvider, mockResponse } from "./mock-provider.js";

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "m",
  messages: [{ role: "user", content }],
  ...extra,
});
const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };

describe("MockProvider", () => {
  it("answers from its queue in order, sync and async, and records requests", async () => {
    const mock = new MockProvider({ responses: ["first", { answer: "second" }] });
    const one = mock.chat(ask("a"));
    expect(one).not.toBeInstanceOf(Promise);
    expect(one.content).toBe("first");
    const two = await mock.chatAsync(ask("b", { output: { name: "QA", schema } }));
    expect(two.parsed).toEqual({ answer: "second" });
    expect(two.content).toBe('{"answer":"second"}');
    expect(two.structuredOutput).toBe("json_schema");
    expect(mock.requests.map((r) => r.messages[0]?.content)).toEqual(["a", "b"]);
  });

  it("throws scripted errors and says what to do when the script runs out", async () => {
    const mock = new MockProvider({ responses: [new RateLimitError("slow", { provider: "mock", retryAfterMs: 5 })] });
    await expect(mock.chatAsync(ask("a"))).rejects.toBeInstanceOf(RateLimitError);
    expect(() => mock.chat(ask("b"))).toThrow(ConfigurationError);
    expect(() => mock.chat(ask("b"))).toThrow(/no scripted reply left/);
  });

  it("uses a respond function when the queue is empty, deterministically", () => {
    const mock = new MockProvider({ respond: (req, i) => `${i}:${req.messages[0]?.content ?? ""}` });
    expect(mock.chat(ask("x")).content).toBe("0:x");
    expect(mock.chat(ask("y")).content).toBe("1:y");
    const asyncOnly = new MockProvider({ respond: async () => "later" });
    expect(() => asyncOnly.chat(ask("x"))).toThrow(/Promise/);
  });

  it("parses JSON text only when an output was asked, and takes full response fields", () => {
    const mock = new MockProvider({
      responses: [
        '{"answer":"4"}',
        '{"answer":"4"}',
        mockResponse({ content: "cut", finishReason: "length", usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } }),
      ],
    });
    expect(mock.chat(ask("a")).parsed).toBeUndefined();
    expect(mock.chat(ask("a", { output: { name: "QA", schema } })).parsed).toEqual({ answer: "4" });
    expect(mock.chat(ask("a"))).toMatchObject({ content: "cut", finishReason: "length", usage: { totalTokens: 3 } });
  });

  it("embeds deterministically, keeping order", async () => {
    const mock = new MockProvider({ embeddingDimensions: 4 });
    const a = mock.embed({ texts: ["x", "y"], model: "e" });
    const b = await mock.embedAsync({ texts: ["y", "x"], model: "e" });
    expect(a.embeddings[0]).toHaveLength(4);
    expect(a.embeddings[0]).toEqual(b.embeddings[1]);
    expect(a.embeddings[0]).not.toEqual(a.embeddings[1]);
  });

  it("streams the scripted answer and honours abort", async () => {
    const mock = new MockProvider({ responses: ["hello streaming world"] });
    const events: StreamEvent[] = [];
    for await (const event of mock.streamAsync(ask("a"))) events.push(event);
    expect(
      events
        .filter((e) => e.type === "text-delta")
        .map((e) => (e.type === "text-delta" ? e.delta : ""))
        .join(""),
    ).toBe("hello streaming world");
    expect(events.at(-1)?.type).toBe("finish");
    await expect(mock.chatAsync(ask("a", { signal: AbortSignal.abort() }))).rejects.toBeInstanceOf(AbortError);
  });

  it("waits latencyMs (blocking in chat)", () => {
    const mock = new MockProvider({ responses: ["x"], latencyMs: 50 });
    const started = Date.now();
    mock.chat(ask("a"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
