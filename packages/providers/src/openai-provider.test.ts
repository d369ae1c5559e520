// The async path over real HTTP: the openai SDK against the fake LLM server (in process: nothing
// here blocks the event loop).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer } from "@kaizen/testing";
import { AbortError, AuthenticationError, ConfigurationError, RateLimitError } from "@kaizen/contracts";
import type { ChatRequest } from "@kaizen/contracts";
import { OpenAIProvider } from "./openai-provider.js";
import type { OpenAIProviderOptions } from "./openai-provider.js";
import type { RetryInfo } from "./retry.js";

const KEY = "sk-kaizen-async-FAKEKEY-4b8e0f61aa";
let server: FakeLLMServer;
const open: OpenAIProvider[] = [];

function make(options: OpenAIProviderOptions = {}): OpenAIProvider {
  const provider = new OpenAIProvider({ apiKey: KEY, baseUrl: server.openaiBaseUrl, useAsync: true, ...options });
  open.push(provider);
  return provider;
}

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content }],
  ...extra,
});

function chatBodies(): Array<Record<string, unknown>> {
  return server.requests.filter((r) => r.path.endsWith("/chat/completions")).map((r) => r.body as Record<string, unknown>);
}

/** Everything an error exposes: message, String(), own fields. */
function everything(error: unknown): string {
  const e = error as Error;
  return [e.message, String(e), JSON.stringify({ ...e }), e.stack ?? ""].join("\n");
}

beforeAll(async () => {
  server = await startFakeLLMServer();
});

afterEach(() => {
  server.resetScript();
  server.clearRequests();
  server.setLatency(0);
});

afterAll(async () => {
  await Promise.all(open.map((p) => p.close()));
  await server.close();
});

describe("OpenAIProvider configuration", () => {
  it("needs a key, and the error names OPENAI_API_KEY and the apiKey option", () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      let caught: unknown;
      try {
        new OpenAIProvider();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigurationError);
      expect((caught as Error).message).toContain("OPENAI_API_KEY");
      expect((caught as Error).message).toContain("apiKey");
      expect((caught as ConfigurationError).field).toBe("apiKey");
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it("reads the key from OPENAI_API_KEY", async () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = KEY;
    try {
      const provider = new OpenAIProvider({ baseUrl: server.openaiBaseUrl, useAsync: true });
      open.push(provider);
      const response = await provider.chatAsync(ask("What is 2+2?"));
      expect(response.content).toContain("4");
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });

  it("rejects chatAsync and embedAsync with ConfigurationError when useAsync is false, before any I/O", async () => {
    const provider = make({ useAsync: false });
    await expect(provider.chatAsync(ask("hi"))).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof ConfigurationError && error.field === "useAsync" && /set useAsync: true/i.test(error.message),
    );
    await expect(provider.embedAsync({ texts: ["a"], model: "text-embedding-3-small" })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("validates numeric options", () => {
    expect(() => make({ maxRetries: -1 })).toThrow(ConfigurationError);
    expect(() => make({ concurrency: 0 })).toThrow(/concurrency/);
  });
});

describe("OpenAIProvider.chatAsync", () => {
  it("answers over HTTP with usage, cost, request id and attempts", async () => {
    const provider = make();
    const response = await provider.chatAsync(ask("What is 2+2?"));
    expect(response.content).toContain("4");
    expect(response.finishReason).toBe("stop");
    expect(response.structuredOutput).toBe("none");
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.totalTokens).toBe(response.usage.inputTokens + response.usage.outputTokens);
    expect(response.costUsd).toBeGreaterThan(0);
    expect(response.requestId).toBeTruthy();
    expect(response.attempts).toBe(1);
  });

  it("maps generation config, and gives reasoning models max_completion_tokens without sampling parameters", async () => {
    const provider = make();
    const config = {
      temperature: 0.3,
      maxTokens: 50,
      topP: 0.9,
      stop: ["END"],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
    };
    await provider.chatAsync(ask("hi", { generationConfig: config }));
    await provider.chatAsync(ask("hi", { model: "o3-mini", generationConfig: config }));
    await provider.chatAsync(ask("hi", { model: "gpt-5", generationConfig: config }));
    const [plain, o3, gpt5] = chatBodies();
    expect(plain).toMatchObject({
      temperature: 0.3,
      max_tokens: 50,
      top_p: 0.9,
      stop: ["END"],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
    });
    for (const body of [o3, gpt5]) {
      expect(body).toMatchObject({ max_completion_tokens: 50, seed: 7, stop: ["END"] });
      expect(body).not.toHaveProperty("temperature");
      expect(body).not.toHaveProperty("top_p");
      expect(body).not.toHaveProperty("max_tokens");
      expect(body).not.toHaveProperty("presence_penalty");
      expect(body).not.toHaveProperty("frequency_penalty");
    }
  });

  it("retries a 429 with Retry-After: 1 after at least a second and succeeds", async () => {
    const retries: RetryInfo[] = [];
    const provider = make({ onRetry: (info) => retries.push(info) });
    server.fault({ type: "rate_limit", retryAfterSeconds: 1 });
    const started = Date.now();
    const response = await provider.chatAsync(ask("What is 2+2?"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(response.attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(1_000);
    expect(retries[0]?.error).toBeInstanceOf(RateLimitError);
    expect(chatBodies()).toHaveLength(2);
  });

  it("retries 5xx and gives up after maxRetries", async () => {
    const provider = make({ maxRetries: 1 });
    server.fault({ type: "server_error", status: 503 }, { times: 5 });
    await expect(provider.chatAsync(ask("hi"))).rejects.toMatchObject({ status: 503, retryable: true });
    expect(chatBodies()).toHaveLength(2);
  });

  it("does not retry a 401, and the key appears nowhere in the error", async () => {
    const provider = make();
    server.fault({ type: "auth" });
    const error = await provider.chatAsync(ask("hi")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(server.requests).toHaveLength(1);
    expect(everything(error)).not.toContain(KEY);
  });

  it("rejects within 50 ms when aborted during a backoff wait", async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const provider = make({
      onRetry: () => {
        setTimeout(() => {
          abortedAt = Date.now();
          controller.abort();
        }, 100);
      },
    });
    server.fault({ type: "rate_limit", retryAfterSeconds: 5 });
    const error = await provider.chatAsync(ask("hi", { signal: controller.signal })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(Date.now() - abortedAt).toBeLessThan(50);
    expect(chatBodies()).toHaveLength(1);
  });

  it("cancels an in-flight request on abort", async () => {
    const provider = make();
    server.setLatency(5_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expect(provider.chatAsync(ask("hi", { signal: controller.signal }))).rejects.toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("gives up on a stalled server at the time budget", async () => {
    const provider = make({ maxRetries: 0 });
    server.fault({ type: "stall" });
    const started = Date.now();
    await expect(provider.chatAsync(ask("hi", { timeoutMs: 300 }))).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("queues beyond the concurrency limit", async () => {
    const provider = make({ concurrency: 2 });
    server.setLatency(150);
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => provider.chatAsync(ask("What is 1+1?"))));
    const elapsed = Date.now() - started;
    // 6 calls, 2 at a time, 150 ms each: three waves.
    expect(elapsed).toBeGreaterThanOrEqual(400);
    const arrivals = chatBodies().length;
    expect(arrivals).toBe(6);
    const times = server.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    expect((times[2] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(120);
  });

  it("runs unlimited calls in parallel without a limit", async () => {
    const provider = make();
    server.setLatency(200);
    const started = Date.now();
    await Promise.all(Array.from({ length: 20 }, () => provider.chatAsync(ask("What is 1+1?"))));
    expect(Date.now() - started).toBeLessThan(3 * 200 + 400);
  });
});

describe("OpenAIProvider structured output", () => {
  const qa = {
    type: "object",
    properties: {
      answer: { type: "string", description: "The answer", minLength: 1 },
      confidence: { type: "number", minimum: 0, maximum: 1 },
      source: { type: "string" },
    },
    required: ["answer", "confidence"],
    additionalProperties: false,
  };

  it("sends json_schema strict with optional -> nullable, and maps nulls back to absent", async () => {
    const provider = make();
    server.reply({ answer: "4", confidence: 0.9, source: null });
    const response = await provider.chatAsync(ask("What is 2+2?", { output: { name: "QA", schema: qa } }));
    expect(response.structuredOutput).toBe("json_schema");
    expect(response.parsed).toEqual({ answer: "4", confidence: 0.9 });
    const format = chatBodies()[0]?.response_format as {
      type: string;
      json_schema: { name: string; strict: boolean; schema: Record<string, unknown> };
    };
    expect(format.type).toBe("json_schema");
    expect(format.json_schema.strict).toBe(true);
    expect(format.json_schema.name).toBe("QA");
    expect(format.json_schema.schema.required).toEqual(["answer", "confidence", "source"]);
    const props = format.json_schema.schema.properties as Record<string, Record<string, unknown>>;
    expect(props.source?.type).toEqual(["string", "null"]);
    expect(props.confidence).toMatchObject({ minimum: 0, maximum: 1 });
    expect(props.answer).not.toHaveProperty("minLength");
    expect(String(props.answer?.description)).toContain("minLength");
  });

  it("falls back to json_object with the schema in the instructions for a record schema", async () => {
    const provider = make();
    const record = {
      type: "object",
      properties: { scores: { type: "object", additionalProperties: { type: "number" } } },
      required: ["scores"],
    };
    const response = await provider.chatAsync(ask("Score these", { output: { name: "Scores", schema: record } }));
    expect(response.structuredOutput).toBe("json_object");
    const body = chatBodies()[0] as { response_format: unknown; messages: Array<{ role: string; content: string }> };
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(body.messages[0]?.role).toBe("system");
    expect(body.messages[0]?.content).toContain("JSON Schema");
    expect(body.messages[0]?.content).toContain('"additionalProperties"');
    expect(response.parsed).toBeTypeOf("object");
  });

  it("uses json_object when the endpoint has no json_schema support", async () => {
    const provider = make({ jsonSchema: false });
    const response = await provider.chatAsync(ask("What is 2+2?", { output: { name: "QA", schema: qa } }));
    expect(response.structuredOutput).toBe("json_object");
    expect(chatBodies()[0]?.response_format).toEqual({ type: "json_object" });
  });

  it("leaves parsed undefined when the text does not parse (the agent re-asks)", async () => {
    const provider = make();
    server.reply("this is not json");
    const response = await provider.chatAsync(ask("What is 2+2?", { output: { name: "QA", schema: qa } }));
    expect(response.content).toBe("this is not json");
    expect(response.parsed).toBeUndefined();
  });
});

describe("OpenAIProvider embeddings", () => {
  it("batches 5000 texts into 3 requests and keeps order", async () => {
    const provider = make();
    const texts = Array.from({ length: 5000 }, (_, i) => `text number ${i}`);
    const response = await provider.embedAsync({ texts, model: "text-embedding-3-small" });
    const requests = server.requests.filter((r) => r.path.endsWith("/embeddings"));
    expect(requests.map((r) => (r.body as { input: string[] }).input.length)).toEqual([2048, 2048, 904]);
    expect(requests.every((r) => (r.body as { encoding_format?: string }).encoding_format === "float")).toBe(true);
    expect(response.embeddings).toHaveLength(5000);
    const single = await provider.embedAsync({ texts: ["text number 4321"], model: "text-embedding-3-small" });
    expect(response.embeddings[4321]).toEqual(single.embeddings[0]);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
  });

  it("passes dimensions through", async () => {
    const provider = make();
    await provider.embedAsync({ texts: ["a"], model: "text-embedding-3-small", dimensions: 256 });
    expect((server.requests[0]?.body as { dimensions?: number }).dimensions).toBe(256);
  });
});

describe("OpenAIProvider.close", () => {
  it("is idempotent and refuses calls afterwards", async () => {
    const provider = make();
    await provider.close();
    await provider.close();
    await expect(provider.chatAsync(ask("hi"))).rejects.toThrow(/closed/);
  });
});
