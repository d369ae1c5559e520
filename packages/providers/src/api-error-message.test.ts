// What an HTTP error says: the status once, and the API's own `error.message` taken from the
// JSON body (Anthropic's SDK message embeds the raw JSON; openai's repeats the status). Over
// real HTTP, for both SDKs and the blocking path.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProviderError, RateLimitError, type ChatRequest } from "@kaizen/contracts";
import { startFakeLLMServer, startFakeLLMServerThread, type FakeLLMServer, type FakeLLMServerThread } from "@kaizen/testing";
import { AnthropicProvider } from "./anthropic-provider.js";
import { OpenAIProvider } from "./openai-provider.js";

let server: FakeLLMServer;
beforeAll(async () => {
  server = await startFakeLLMServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.resetScript();
  server.clearRequests();
});

const ask = (model: string): ChatRequest => ({ model, messages: [{ role: "user", content: "What is 2+2?" }] });
const ANTHROPIC_400 = {
  type: "error",
  error: { type: "invalid_request_error", message: "messages: text content blocks must be non-empty" },
  request_id: "req_011CSHoEeqs5C35K2UUqR7Fy",
};

function expectOneStatusNoJson(message: string, status: number): void {
  expect(message.match(new RegExp(`\\b${status}\\b`, "g"))).toHaveLength(1);
  expect(message).not.toContain("{");
  expect(message).not.toContain('"type"');
}

describe("Anthropic error messages", () => {
  it("a 400 prints HTTP 400 once and the API's error.message, not the raw JSON", async () => {
    server.fault({ type: "http_error", status: 400, body: ANTHROPIC_400 });
    const provider = new AnthropicProvider({ apiKey: "sk-ant-test", baseUrl: server.anthropicBaseUrl, useAsync: true });
    try {
      const error = (await provider.chatAsync(ask("claude-haiku-4-5")).catch((e: unknown) => e)) as ProviderError;
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.status).toBe(400);
      expect(error.message).toBe("anthropic: the API answered HTTP 400: messages: text content blocks must be non-empty");
      expectOneStatusNoJson(error.message, 400);
    } finally {
      await provider.close();
    }
  });

  it("a 529 overloaded and a 429 read the same way (streams too)", async () => {
    server.fault({ type: "server_error", status: 503 });
    server.fault({ type: "rate_limit", retryAfterMs: 10 });
    const provider = new AnthropicProvider({
      apiKey: "sk-ant-test",
      baseUrl: server.anthropicBaseUrl,
      useAsync: true,
      maxRetries: 0,
    });
    try {
      const overloaded = (await provider.chatAsync(ask("claude-haiku-4-5")).catch((e: unknown) => e)) as ProviderError;
      expect(overloaded.message).toBe("anthropic: the API answered HTTP 503: Overloaded");
      const limited = await (async () => {
        for await (const _event of provider.streamAsync(ask("claude-haiku-4-5"))) void _event;
      })().catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(RateLimitError);
      expect((limited as Error).message).toContain("rate limited (HTTP 429): This request would exceed the rate limit");
      expectOneStatusNoJson((limited as Error).message, 429);
    } finally {
      await provider.close();
    }
  });
});

describe("OpenAI error messages", () => {
  it("the status is printed once", async () => {
    server.fault({ type: "server_error", status: 502 });
    const provider = new OpenAIProvider({ apiKey: "sk-test", baseUrl: server.openaiBaseUrl, useAsync: true, maxRetries: 0 });
    try {
      const error = (await provider.chatAsync(ask("gpt-4o-mini")).catch((e: unknown) => e)) as ProviderError;
      expect(error.message).toBe("openai: the API answered HTTP 502: Bad gateway");
    } finally {
      await provider.close();
    }
  });
});

describe("compatible servers' error bodies without OpenAI's error member", () => {
  it("vLLM/Mistral {object: error, message} and pydantic {detail: [...]} keep their message", async () => {
    server.fault({
      type: "http_error",
      status: 400,
      body: {
        object: "error",
        message: "This model's maximum context length is 4096 tokens.",
        type: "BadRequestError",
        param: null,
        code: 400,
      },
    });
    server.fault({
      type: "http_error",
      status: 422,
      body: { detail: [{ type: "missing", loc: ["body", "messages"], msg: "Field required", input: {} }] },
    });
    const provider = new OpenAIProvider({ apiKey: "sk-test", baseUrl: server.openaiBaseUrl, useAsync: true, maxRetries: 0 });
    try {
      const first = (await provider.chatAsync(ask("m")).catch((e: unknown) => e)) as ProviderError;
      expect(first.message).toBe("openai: the API answered HTTP 400: This model's maximum context length is 4096 tokens");
      const second = (await provider.chatAsync(ask("m")).catch((e: unknown) => e)) as ProviderError;
      expect(second.message).toBe("openai: the API answered HTTP 422: body.messages: Field required");
    } finally {
      await provider.close();
    }
  });
});

describe("the blocking path", () => {
  let thread: FakeLLMServerThread;
  beforeAll(async () => {
    thread = await startFakeLLMServerThread();
  });
  afterAll(async () => {
    await thread.close();
  });

  it("Anthropic chat() reads the message from the body that crossed the sync bridge", async () => {
    await thread.fault({ type: "http_error", status: 400, body: ANTHROPIC_400 });
    const provider = new AnthropicProvider({ apiKey: "sk-ant-test", baseUrl: thread.anthropicBaseUrl });
    try {
      expect(() => provider.chat(ask("claude-haiku-4-5"))).toThrow(
        "anthropic: the API answered HTTP 400: messages: text content blocks must be non-empty",
      );
    } finally {
      await provider.close();
    }
  });
});
