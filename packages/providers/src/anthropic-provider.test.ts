import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuthenticationError, ConfigurationError, type ChatRequest } from "@kaizen/contracts";
import { startFakeLLMServer, type FakeLLMServer } from "@kaizen/testing";
import { AnthropicProvider } from "./anthropic-provider.js";

const API_KEY = "sk-ant-test-anthropic-0123456789abcdef";

const OUTPUT_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    answer: { type: "string", description: "Detailed answer", minLength: 1 },
    confidence: { type: "number", description: "Confidence score 0.0-1.0", minimum: 0, maximum: 1 },
  },
  required: ["answer", "confidence"],
  additionalProperties: false,
};

function structuredRequest(): ChatRequest {
  return {
    model: "claude-haiku-4-5",
    messages: [
      { role: "system", content: "Answer the user's question." },
      { role: "user", content: "What is 2+2?" },
    ],
    output: { name: "QAOutput", schema: OUTPUT_SCHEMA },
  };
}

function keysDeep(node: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => keysDeep(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      out.add(k);
      if (k !== "description") keysDeep(v, out);
    }
  }
  return out;
}

let server: FakeLLMServer;
let provider: AnthropicProvider;

beforeAll(async () => {
  server = await startFakeLLMServer();
  provider = new AnthropicProvider({ apiKey: API_KEY, baseUrl: server.anthropicBaseUrl, useAsync: true });
});

afterAll(async () => {
  await provider.close();
  await server.close();
});

beforeEach(() => {
  server.resetScript();
  server.clearRequests();
});

function lastBody(): Record<string, unknown> {
  const request = server.requests[server.requests.length - 1];
  expect(request).toBeDefined();
  return request?.body as Record<string, unknown>;
}

describe("AnthropicProvider", () => {
  it("answers a plain question, with the system prompt apart and usage normalised", async () => {
    const response = await provider.chatAsync({
      model: "claude-haiku-4-5",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "What is 2+2?" },
      ],
    });
    expect(response.content).toContain("4");
    expect(response.structuredOutput).toBe("none");
    expect(response.finishReason).toBe("stop");
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.outputTokens).toBeGreaterThan(0);
    expect(response.usage.totalTokens).toBe(response.usage.inputTokens + response.usage.outputTokens);
    expect(response.usage.cachedInputTokens).toBe(0);
    expect(response.requestId).toMatch(/^req_/);
    expect(response.attempts).toBe(1);
    expect(response.costUsd).toBeGreaterThan(0); // claude-haiku-4-5 has a default price
    const body = lastBody();
    expect(body["system"]).toBe("Be brief.");
    expect(body["max_tokens"]).toBe(4096);
    expect(body["messages"]).toEqual([{ role: "user", content: "What is 2+2?" }]);
  });

  it("merges consecutive same-role messages and all system messages", async () => {
    await provider.chatAsync({
      model: "claude-haiku-4-5",
      messages: [
        { role: "system", content: "Rule one." },
        { role: "user", content: "Hello." },
        { role: "system", content: "Rule two." },
        { role: "user", content: "What is 2+2?" },
        { role: "assistant", content: "4" },
        { role: "assistant", content: "Anything else?" },
        { role: "user", content: "No." },
      ],
      generationConfig: { maxTokens: 100, temperature: 0.2, topP: 0.9, stop: ["END"] },
    });
    const body = lastBody();
    expect(body["system"]).toBe("Rule one.\n\nRule two.");
    expect(body["messages"]).toEqual([
      { role: "user", content: "Hello.\n\nWhat is 2+2?" },
      { role: "assistant", content: "4\n\nAnything else?" },
      { role: "user", content: "No." },
    ]);
    expect(body).toMatchObject({ max_tokens: 100, temperature: 0.2, top_p: 0.9, stop_sequences: ["END"] });
  });

  it("gets structured output through a forced tool: the tool input is parsed, content is its JSON", async () => {
    const response = await provider.chatAsync(structuredRequest());
    expect(response.structuredOutput).toBe("tool");
    expect(response.finishReason).toBe("stop");
    const parsed = response.parsed as { answer: string; confidence: number };
    expect(typeof parsed.answer).toBe("string");
    expect(parsed.answer).toContain("4");
    expect(parsed.confidence).toBeGreaterThanOrEqual(0);
    expect(parsed.confidence).toBeLessThanOrEqual(1);
    expect(JSON.parse(response.content)).toEqual(parsed);
    expect(response.toolCalls).toBeUndefined();
    const body = lastBody();
    expect(body["tool_choice"]).toEqual({ type: "tool", name: "QAOutput" });
    const tools = body["tools"] as Array<Record<string, unknown>>;
    expect(tools).toHaveLength(1);
    expect(tools[0]?.["name"]).toBe("QAOutput");
  });

  it("moves keywords the API rejects into descriptions, leaving the caller's schema unchanged", async () => {
    const request = structuredRequest();
    const before = structuredClone(request.output?.schema);
    await provider.chatAsync(request);
    expect(request.output?.schema).toEqual(before);
    const tools = lastBody()["tools"] as Array<{ input_schema: Record<string, unknown>; strict?: boolean }>;
    const sent = tools[0]?.input_schema;
    const keys = keysDeep(sent);
    for (const rejected of ["minimum", "maximum", "minLength", "$schema"]) expect(keys.has(rejected)).toBe(false);
    const props = sent?.["properties"] as Record<string, { description?: string }>;
    expect(props["confidence"]?.description).toBe("Confidence score 0.0-1.0\n\n{minimum: 0, maximum: 1}");
    expect(props["answer"]?.description).toBe("Detailed answer\n\n{minLength: 1}");
    expect(tools[0]?.strict).toBe(true);
  });

  it("uses the API's output format when asked with mode json_schema", async () => {
    const request = structuredRequest();
    request.output = { ...request.output!, mode: "json_schema" };
    const response = await provider.chatAsync(request);
    expect(response.structuredOutput).toBe("json_schema");
    expect((response.parsed as { answer: string }).answer).toContain("4");
    const body = lastBody();
    expect(body["tools"]).toBeUndefined();
    const format = (body["output_config"] as { format: { type: string; schema: Record<string, unknown> } }).format;
    expect(format.type).toBe("json_schema");
    expect(keysDeep(format.schema).has("maximum")).toBe(false);
  });

  it("falls back to instructions for mode prompt and parses the JSON out of the text", async () => {
    server.reply('Here it is:\n```json\n{"answer": "4", "confidence": 0.9}\n```');
    const request = structuredRequest();
    request.output = { ...request.output!, mode: "prompt" };
    const response = await provider.chatAsync(request);
    expect(response.structuredOutput).toBe("prompt");
    expect(response.parsed).toEqual({ answer: "4", confidence: 0.9 });
    expect(String(lastBody()["system"])).toContain("JSON Schema");
  });

  it("reports other tool calls as tool_calls", async () => {
    const response = await provider.chatAsync({
      model: "claude-haiku-4-5",
      messages: [{ role: "user", content: "What is the weather in Paris? Use get_weather." }],
      tools: [
        {
          name: "get_weather",
          description: "Weather for a city",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      ],
      toolChoice: "required",
    });
    expect(response.finishReason).toBe("tool_calls");
    expect(response.toolCalls?.[0]?.name).toBe("get_weather");
    expect(typeof JSON.parse(response.toolCalls?.[0]?.arguments ?? "null")).toBe("object");
    expect(lastBody()["tool_choice"]).toEqual({ type: "any" });
  });

  it("retries a 429 through the shared retry authority (the SDK's retries off)", async () => {
    server.fault({ type: "rate_limit", retryAfterMs: 50 });
    const response = await provider.chatAsync(structuredRequest());
    expect(response.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it("chatAsync without useAsync says what to set", async () => {
    const sync = new AnthropicProvider({ apiKey: API_KEY, baseUrl: server.anthropicBaseUrl });
    await expect(sync.chatAsync(structuredRequest())).rejects.toThrow(ConfigurationError);
    await expect(sync.chatAsync(structuredRequest())).rejects.toThrow(/useAsync: true/);
    expect(server.requests).toHaveLength(0);
    await sync.close();
  });

  it("rejects bad numeric options, naming the field", () => {
    for (const [field, value] of [
      ["concurrency", 0],
      ["maxTokensDefault", 1.5],
      ["maxRetries", -1],
      ["timeoutMs", 0],
    ] as const) {
      let error: unknown;
      try {
        new AnthropicProvider({ apiKey: API_KEY, [field]: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).field).toBe(field);
    }
  });

  it("without a key names ANTHROPIC_API_KEY", () => {
    const saved = process.env["ANTHROPIC_API_KEY"];
    delete process.env["ANTHROPIC_API_KEY"];
    try {
      expect(() => new AnthropicProvider({ baseUrl: server.anthropicBaseUrl })).toThrow(/ANTHROPIC_API_KEY/);
    } finally {
      if (saved !== undefined) process.env["ANTHROPIC_API_KEY"] = saved;
    }
  });

  it("a 401 is an AuthenticationError, not retried, and never carries the key", async () => {
    server.fault({ type: "auth" });
    const error = await provider.chatAsync(structuredRequest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect(server.requests).toHaveLength(1);
    const everything = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ""}`;
    expect(everything).not.toContain(API_KEY);
  });
});

describe("AnthropicProvider.chat (blocking)", () => {
  // The server runs on another thread: this one blocks in chat().
  let thread: Worker;
  let baseUrl: string;
  beforeAll(async () => {
    thread = new Worker(new URL("./__fixtures__/anthropic-thread-server.mjs", import.meta.url));
    const { port } = await new Promise<{ port: number }>((resolve) => thread.once("message", resolve));
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    thread.postMessage("close");
    await new Promise((resolve) => thread.once("exit", resolve));
  });

  it("returns the response itself, with the event loop held while it waits", async () => {
    const sync = new AnthropicProvider({ apiKey: API_KEY, baseUrl });
    try {
      let ticks = 0;
      const interval = setInterval(() => ticks++, 1);
      const started = Date.now();
      const response = sync.chat(structuredRequest());
      const blockedFor = Date.now() - started;
      const ticksDuring = ticks;
      clearInterval(interval);
      expect(response).not.toBeInstanceOf(Promise);
      expect(ticksDuring).toBe(0);
      expect(blockedFor).toBeGreaterThanOrEqual(0);
      expect(response.structuredOutput).toBe("tool");
      expect(response.finishReason).toBe("stop");
      expect(response.parsed).toEqual({ answer: "2+2 is 4", confidence: 0.9 });
      expect(response.requestId).toMatch(/^req_sync_/);
      // input_tokens leaves cache reads out; the normalised count has them in
      expect(response.usage).toEqual({ inputTokens: 12, outputTokens: 5, totalTokens: 17, cachedInputTokens: 2 });
    } finally {
      await sync.close();
    }
  });

  it("retries a 429 on the blocking path too", async () => {
    const sync = new AnthropicProvider({ apiKey: API_KEY, baseUrl });
    try {
      const response = sync.chat({ model: "rate-limited", messages: [{ role: "user", content: "hi" }] });
      expect(response.content).toBe("2+2 is 4");
      expect(response.attempts).toBe(2);
    } finally {
      await sync.close();
    }
  });
});
