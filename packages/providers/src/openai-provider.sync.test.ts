// The blocking path over real HTTP: chat() and embed() through the sync bridge's worker and the
// real openai SDK, against the fake LLM server running on another thread.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, InvalidResponseError, RateLimitError, TimeoutError } from "@kaizen/contracts";
import { OpenAIProvider } from "./openai-provider.js";
import { startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";

const KEY = "sk-kaizen-sync-FAKEKEY-7f3a9c2e1d";
let server: FakeLLMServerThread;
let provider: OpenAIProvider;

beforeAll(async () => {
  server = await startFakeLLMServerThread();
  provider = new OpenAIProvider({ apiKey: KEY, baseUrl: server.openaiBaseUrl, timeoutMs: 10_000 });
});

afterAll(async () => {
  await provider?.close();
  await server?.close();
});

describe("OpenAIProvider.chat (sync, over the bridge)", () => {
  it("returns the response itself, and the caller's timers do not tick while it waits", async () => {
    await server.setLatency(200);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = Date.now();
    try {
      const response = provider.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "What is 2+2?" }] });
      const elapsed = Date.now() - started;
      expect(response).not.toBeInstanceOf(Promise);
      expect(response.content).toContain("4");
      expect(response.attempts).toBe(1);
      expect(response.usage.totalTokens).toBeGreaterThan(0);
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(ticks).toBe(0);
    } finally {
      clearInterval(timer);
      await server.setLatency(0);
    }
  });

  it("retries a 429 with Retry-After: 1 after at least a second, then succeeds", async () => {
    await server.clearRequests();
    await server.fault({ type: "rate_limit", retryAfterSeconds: 1 });
    const started = Date.now();
    const response = provider.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "What is 3+3?" }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(response.attempts).toBe(2);
    expect(response.content).toContain("6");
    const requests = await server.requests();
    expect(requests.filter((r) => r.path.endsWith("/chat/completions"))).toHaveLength(2);
  });

  it("does not retry a 401 and never shows the key", async () => {
    await server.clearRequests();
    await server.fault({ type: "auth" });
    let caught: unknown;
    try {
      provider.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AuthenticationError);
    expect((await server.requests()).length).toBe(1);
    expect(String(caught)).not.toContain(KEY);
    expect(JSON.stringify({ ...(caught as object), message: (caught as Error).message })).not.toContain(KEY);
  });

  it("maps a malformed JSON body to InvalidResponseError (retried, then reported)", async () => {
    const strict = new OpenAIProvider({ apiKey: KEY, baseUrl: server.openaiBaseUrl, maxRetries: 0 });
    try {
      await server.fault({ type: "malformed_json" });
      expect(() => strict.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })).toThrow(
        InvalidResponseError,
      );
    } finally {
      await strict.close();
    }
  });

  it("reports a rate limit that outlasts the retries as RateLimitError with retryAfterMs", async () => {
    const impatient = new OpenAIProvider({ apiKey: KEY, baseUrl: server.openaiBaseUrl, maxRetries: 0 });
    try {
      await server.fault({ type: "rate_limit", retryAfterMs: 1500 });
      let caught: unknown;
      try {
        impatient.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(RateLimitError);
      expect((caught as RateLimitError).retryAfterMs).toBe(1500);
    } finally {
      await impatient.close();
    }
  });

  it("answers structured output synchronously, mapping strict-mode nulls back to absent", async () => {
    const schema = {
      type: "object",
      properties: { answer: { type: "string" }, note: { type: "string" } },
      required: ["answer"],
      additionalProperties: false,
    };
    await server.reply({ answer: "four", note: null });
    const response = provider.chat({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What is 2+2?" }],
      output: { name: "QA", schema },
    });
    expect(response.structuredOutput).toBe("json_schema");
    expect(response.parsed).toEqual({ answer: "four" });
  });

  it("bounds a stalled call by its timeoutMs on the blocking path", async () => {
    await server.fault({ type: "stall" });
    const started = Date.now();
    let caught: unknown;
    try {
      provider.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], timeoutMs: 500 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(4_000);
    await server.resetScript();
  });

  it("embeds synchronously in batches, keeping order", async () => {
    const batched = new OpenAIProvider({ apiKey: KEY, baseUrl: server.openaiBaseUrl, embeddingBatchSize: 2 });
    try {
      await server.clearRequests();
      const texts = ["one", "two", "three", "four", "five"];
      const all = batched.embed({ texts, model: "text-embedding-3-small" });
      const requests = (await server.requests()).filter((r) => r.path.endsWith("/embeddings"));
      expect(requests.map((r) => (r.body as { input: string[] }).input)).toEqual([["one", "two"], ["three", "four"], ["five"]]);
      const single = batched.embed({ texts: ["four"], model: "text-embedding-3-small" });
      expect(all.embeddings[3]).toEqual(single.embeddings[0]);
    } finally {
      await batched.close();
    }
  });

  it("embeds synchronously, keeping order", async () => {
    const texts = ["alpha", "beta", "gamma"];
    const one = provider.embed({ texts, model: "text-embedding-3-small" });
    const reversed = provider.embed({ texts: [...texts].reverse(), model: "text-embedding-3-small" });
    expect(one.embeddings).toHaveLength(3);
    expect(one.embeddings[0]).toEqual(reversed.embeddings[2]);
  });
});
