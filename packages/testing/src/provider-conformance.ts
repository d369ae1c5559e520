// The provider conformance suite: what every LLMProvider must do, checked over real HTTP against
// the fake LLM server. Built-in providers run it, and so can yours:
//
//   import { runProviderConformance } from "@kaizen/testing/conformance";
//   runProviderConformance({
//     name: "openai",
//     createProvider: ({ openaiBaseUrl, apiKey }) =>
//       new OpenAIProvider({ apiKey, baseUrl: openaiBaseUrl, useAsync: true, maxRetries: 2 }),
//     supports: { sync: true, embeddings: true, streaming: true },
//   });
//
// It registers vitest describe/it blocks, so call it at the top level of a test file.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AbortError, AuthenticationError, InvalidResponseError, ProviderError, TimeoutError } from "@kaizen/contracts";
import type { ChatMessage, ChatRequest, ChatResponse, LLMProvider, StreamEvent, ToolSpec } from "@kaizen/contracts";
import { embedText } from "./fake-embeddings.js";
import { startFakeLLMServer } from "./fake-llm-server.js";
import { startFakeLLMServerThread } from "./fake-llm-thread.js";
import { toolResultsOf } from "./fake-tool-calls.js";
import type { FakeLLMServer, RecordedRequest } from "./fake-llm-types.js";

/** The API key the suite hands the factory. Errors must never show it. */
export const CONFORMANCE_API_KEY = "sk-conformance-SECRET-0123456789";

export interface ProviderConformanceContext {
  /** The suite's fake server (for the sync check: the server on the main thread, see `url`). */
  server: FakeLLMServer;
  /** The base URL of the server this provider must talk to. */
  url: string;
  /** Pass as the OpenAI-style base URL (ends in /v1). */
  openaiBaseUrl: string;
  /** Pass as the Anthropic base URL. */
  anthropicBaseUrl: string;
  /** Use this key: the suite checks that no error ever shows it. */
  apiKey: string;
}

export interface ProviderConformanceSupports {
  /** `chat()` (blocking). Default false. */
  sync?: boolean;
  /** `embedAsync()`. Default false. */
  embeddings?: boolean;
  /** `streamAsync()`. Default false. */
  streaming?: boolean;
  /** `output` schemas (structured output). Default true. */
  structured?: boolean;
  /** Retries 429 and 5xx by itself. Default true. */
  retries?: boolean;
  /**
   * Tool calls: `tools` sent, parallel `toolCalls` returned (and streamed as tool-call events),
   * tool results sent back under their call ids. Default true: every agent with tools needs it.
   */
  tools?: boolean;
}

export interface ProviderConformanceOptions {
  /** Shown in the describe block. */
  name: string;
  /**
   * Creates the provider under test, pointed at `ctx.openaiBaseUrl` or `ctx.anthropicBaseUrl`,
   * with `ctx.apiKey`, async calls enabled, at least one retry (2 suggested) and a short backoff.
   * Called once for the suite, and again for the sync and close() checks.
   */
  createProvider: (ctx: ProviderConformanceContext) => LLMProvider | Promise<LLMProvider>;
  /** The model name sent. Default "gpt-4o-mini" (the fake answers for any name). */
  model?: string;
  /** The embedding model. Default "text-embedding-3-small". */
  embeddingModel?: string;
  supports?: ProviderConformanceSupports;
}

const CHAT_PATHS = new Set(["/v1/chat/completions", "/chat/completions", "/v1/messages", "/messages"]);
const isChat = (r: RecordedRequest): boolean => CHAT_PATHS.has(r.path);

const QA_SCHEMA = {
  type: "object",
  properties: {
    answer: { type: "string", description: "The answer" },
    confidence: { type: "number", minimum: 0, maximum: 1, description: "Confidence 0-1" },
  },
  required: ["answer", "confidence"],
  additionalProperties: false,
};

const WEATHER_TOOL: ToolSpec = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
};
const PARALLEL_CALLS = [
  { name: "get_weather", arguments: { city: "Paris" }, id: "call_conf_paris" },
  { name: "get_weather", arguments: { city: "Rome" }, id: "call_conf_rome" },
];
/** A conversation in which the model called the weather tool twice and both results came back. */
const AFTER_TOOLS: ChatMessage[] = [
  { role: "user", content: "What is the weather in Paris and Rome?" },
  {
    role: "assistant",
    content: "",
    toolCalls: [
      { id: "call_conf_paris", name: "get_weather", arguments: '{"city":"Paris"}' },
      { id: "call_conf_rome", name: "get_weather", arguments: '{"city":"Rome"}' },
    ],
  },
  { role: "tool", toolCallId: "call_conf_paris", toolName: "get_weather", content: '{"tempC":21}' },
  { role: "tool", toolCallId: "call_conf_rome", toolName: "get_weather", content: "the weather service failed", isError: true },
];

function isQa(value: unknown): value is { answer: string; confidence: number } {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.answer === "string" && typeof v.confidence === "number" && v.confidence >= 0 && v.confidence <= 1;
}

/** Everything an error shows: message, String(), its own fields, stack, and the same for its causes. */
function errorSurface(err: unknown, depth = 0): string {
  if (depth > 4 || err === null || err === undefined) return "";
  if (typeof err !== "object") return String(err);
  const parts: string[] = [String(err)];
  const e = err as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(err)) {
    const value = e[key];
    if (key === "cause") continue;
    try {
      parts.push(`${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
    } catch {
      parts.push(`${key}=${String(value)}`);
    }
  }
  try {
    parts.push(JSON.stringify(err));
  } catch {
    // A circular field: its parts were stringified one by one above.
  }
  return parts.join("\n") + errorSurface(e.cause, depth + 1);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("Expected the call to reject, but it resolved.");
}

/** Registers the provider conformance tests for one provider. */
export function runProviderConformance(options: ProviderConformanceOptions): void {
  const supports = {
    sync: false,
    embeddings: false,
    streaming: false,
    structured: true,
    retries: true,
    tools: true,
    ...options.supports,
  };
  const model = options.model ?? "gpt-4o-mini";
  const embeddingModel = options.embeddingModel ?? "text-embedding-3-small";

  describe(`provider conformance: ${options.name}`, () => {
    let server: FakeLLMServer;
    let ctx: ProviderConformanceContext;
    let provider: LLMProvider;
    const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
      model,
      messages: [{ role: "user", content }],
      ...extra,
    });

    beforeAll(async () => {
      server = await startFakeLLMServer();
      ctx = {
        server,
        url: server.url,
        openaiBaseUrl: server.openaiBaseUrl,
        anthropicBaseUrl: server.anthropicBaseUrl,
        apiKey: CONFORMANCE_API_KEY,
      };
      provider = await options.createProvider(ctx);
    });
    afterAll(async () => {
      await provider?.close?.();
      await server?.close();
    });
    beforeEach(() => {
      server.resetScript();
      server.clearRequests();
      server.setLatency(0);
    });

    it("has a name", () => {
      expect(typeof provider.name).toBe("string");
      expect(provider.name.length).toBeGreaterThan(0);
    });

    it("chatAsync answers 'What is 2+2?' with 4, finish reason stop, usage and attempts", async () => {
      const res = await provider.chatAsync(ask("What is 2+2?"));
      expect(res.content).toContain("4");
      expect(res.finishReason).toBe("stop");
      expect(res.usage.inputTokens).toBeGreaterThan(0);
      expect(res.usage.outputTokens).toBeGreaterThan(0);
      expect(res.usage.totalTokens).toBe(res.usage.inputTokens + res.usage.outputTokens);
      expect(res.attempts).toBeGreaterThanOrEqual(1);
      expect(res.structuredOutput).toBe("none");
      expect(typeof res.model).toBe("string");
      const sent = server.requests.filter(isChat);
      expect(sent).toHaveLength(1);
      // The key travelled (the server records it redacted).
      const auth = sent[0]?.headers.authorization ?? sent[0]?.headers["x-api-key"] ?? sent[0]?.headers["api-key"];
      expect(auth).toMatch(/\[redacted\]$/);
    });

    it("sends the conversation: system and user messages reach the server", async () => {
      await provider.chatAsync({
        model,
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "Name a colour" },
        ],
      });
      const body = JSON.stringify(server.requests.find(isChat)?.body);
      expect(body).toContain("You are terse.");
      expect(body).toContain("Name a colour");
    });

    if (supports.structured) {
      it("returns structured output: parsed valid for the schema, structuredOutput set", async () => {
        const res = await provider.chatAsync(ask("What is 2+2?", { output: { name: "qa_answer", schema: QA_SCHEMA } }));
        expect(res.structuredOutput).not.toBe("none");
        expect(isQa(res.parsed)).toBe(true);
        expect((res.parsed as { answer: string }).answer).toContain("4");
        expect(JSON.parse(res.content)).toEqual(res.parsed);
      });
    }

    if (supports.retries) {
      it("retries a 429, honouring retry-after, and succeeds", async () => {
        server.fault({ type: "rate_limit", retryAfterMs: 50 }, { match: isChat });
        const res = await provider.chatAsync(ask("What is 2+2?"));
        expect(res.content).toContain("4");
        expect(res.attempts).toBeGreaterThanOrEqual(2);
        expect(server.requests.filter(isChat)).toHaveLength(2);
      });

      it("retries a 500 and succeeds", async () => {
        server.fault({ type: "server_error", status: 500 }, { match: isChat });
        const res = await provider.chatAsync(ask("What is 2+2?"));
        expect(res.content).toContain("4");
        expect(res.attempts).toBeGreaterThanOrEqual(2);
        expect(server.requests.filter(isChat)).toHaveLength(2);
      });
    }

    it("fails a 401 with AuthenticationError after exactly one request", async () => {
      server.fault({ type: "auth" }, { match: isChat, times: 10 });
      const err = await rejection(provider.chatAsync(ask("hi")));
      expect(err).toBeInstanceOf(AuthenticationError);
      expect(server.requests.filter(isChat)).toHaveLength(1);
    });

    it("never shows the API key in an error (message, String(), fields, causes)", async () => {
      server.fault({ type: "auth" }, { match: isChat, times: 10 });
      const authErr = await rejection(provider.chatAsync(ask("hi")));
      server.fault({ type: "server_error", status: 500 }, { match: isChat, times: 10 });
      const serverErr = await rejection(provider.chatAsync(ask("hi")));
      for (const err of [authErr, serverErr]) {
        expect(err).toBeInstanceOf(ProviderError);
        expect(errorSurface(err)).not.toContain(CONFORMANCE_API_KEY);
        expect(errorSurface(err)).not.toContain("SECRET-0123456789");
      }
    });

    it("fails malformed JSON with InvalidResponseError", async () => {
      server.fault({ type: "malformed_json" }, { match: isChat, times: 10 });
      const err = await rejection(provider.chatAsync(ask("hi")));
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toBeInstanceOf(InvalidResponseError);
    });

    it("gives up on a stalled server with TimeoutError when timeoutMs runs out", async () => {
      server.fault({ type: "stall" }, { match: isChat, times: 10 });
      const started = Date.now();
      const err = await rejection(provider.chatAsync(ask("hi", { timeoutMs: 300 })));
      expect(err).toBeInstanceOf(TimeoutError);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it("rejects promptly with AbortError when the signal aborts mid-request", async () => {
      server.fault({ type: "stall" }, { match: isChat, times: 10 });
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 100);
      const err = await rejection(provider.chatAsync(ask("hi", { signal: controller.signal })));
      expect(err).toBeInstanceOf(AbortError);
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it("rejects with AbortError, sending nothing, when the signal is already aborted", async () => {
      const err = await rejection(provider.chatAsync(ask("hi", { signal: AbortSignal.abort() })));
      expect(err).toBeInstanceOf(AbortError);
      expect(server.requests.filter(isChat)).toHaveLength(0);
    });

    if (supports.sync) {
      it("chat() (sync) returns the response itself, equal to chatAsync's for the same request", async () => {
        // A blocking call stops this thread, so the server it talks to must live on another one.
        const thread = await startFakeLLMServerThread();
        let syncProvider: LLMProvider | undefined;
        try {
          syncProvider = await options.createProvider({
            server,
            url: thread.url,
            openaiBaseUrl: thread.openaiBaseUrl,
            anthropicBaseUrl: thread.anthropicBaseUrl,
            apiKey: CONFORMANCE_API_KEY,
          });
          expect(typeof syncProvider.chat).toBe("function");
          const request = ask("What is 12 times 3?");
          const result: unknown = syncProvider.chat?.(request);
          expect(result).not.toBeInstanceOf(Promise);
          const res = result as ChatResponse;
          const viaAsync = await provider.chatAsync(request);
          expect(res.content).toBe(viaAsync.content);
          expect(res.content).toContain("36");
          expect(res.usage.totalTokens).toBe(res.usage.inputTokens + res.usage.outputTokens);
          expect((await thread.requests()).filter(isChat)).toHaveLength(1);
        } finally {
          await syncProvider?.close?.();
          await thread.close();
        }
      });
    }

    if (supports.embeddings) {
      it("embedAsync keeps input order and returns the same unit vector for the same text", async () => {
        expect(typeof provider.embedAsync).toBe("function");
        const texts = ["the quick brown fox", "a slow green turtle", "the quick brown fox"];
        const res = await provider.embedAsync!({ texts, model: embeddingModel });
        expect(res.embeddings).toHaveLength(3);
        res.embeddings.forEach((vector, i) => {
          const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0));
          expect(norm).toBeCloseTo(1, 3);
          // The fake's vectors are a known function of the text: this pins the order.
          const expected = embedText(texts[i] ?? "", vector.length);
          vector.slice(0, 16).forEach((x, j) => expect(x).toBeCloseTo(expected[j] ?? Number.NaN, 5));
        });
        expect(res.embeddings[0]).toEqual(res.embeddings[2]);
        expect(res.embeddings[0]).not.toEqual(res.embeddings[1]);
      });
    }

    if (supports.streaming) {
      it("streamAsync: text deltas concatenate to chatAsync's content, then exactly one finish", async () => {
        expect(typeof provider.streamAsync).toBe("function");
        const request = ask("Describe a calm lake at dawn");
        const plain = await provider.chatAsync(request);
        const events: StreamEvent[] = [];
        for await (const event of provider.streamAsync!(request)) events.push(event);
        const text = events.map((e) => (e.type === "text-delta" ? e.delta : "")).join("");
        expect(text).toBe(plain.content);
        const finishes = events.filter((e) => e.type === "finish");
        expect(finishes).toHaveLength(1);
        expect(events.at(-1)?.type).toBe("finish");
        const finish = finishes[0];
        if (finish?.type === "finish") {
          expect(finish.response.content).toBe(plain.content);
          expect(finish.response.finishReason).toBe("stop");
        }
        expect(events.filter((e) => e.type === "text-delta").length).toBeGreaterThan(1);
      });

      if (supports.structured) {
        it("streamAsync with a schema: partial objects along the way, a valid parsed object at the end", async () => {
          const events: StreamEvent[] = [];
          for await (const event of provider.streamAsync!(
            ask("What is 2+2?", { output: { name: "qa_answer", schema: QA_SCHEMA } }),
          ))
            events.push(event);
          const last = events.at(-1);
          expect(last?.type).toBe("finish");
          if (last?.type === "finish") expect(isQa(last.response.parsed)).toBe(true);
          expect(events.some((e) => e.type === "partial-object")).toBe(true);
        });
      }

      it("streamAsync fails, rather than finishing quietly, when the stream is cut", async () => {
        server.fault({ type: "truncated_stream" }, { match: isChat, times: 10 });
        const consume = async (): Promise<void> => {
          for await (const event of provider.streamAsync!(ask("Describe a calm lake at dawn"))) void event;
        };
        const err = await rejection(consume());
        expect(err).toBeInstanceOf(ProviderError);
      });
    }

    if (supports.tools) {
      const weather = (extra: Partial<ChatRequest> = {}): ChatRequest =>
        ask("What is the weather in Paris and Rome?", { tools: [WEATHER_TOOL], ...extra });

      it("tools: sends the tool and returns parallel calls with their ids, names and arguments", async () => {
        server.toolCalls(PARALLEL_CALLS, { match: isChat });
        const res = await provider.chatAsync(weather());
        expect(res.finishReason).toBe("tool_calls");
        expect(res.toolCalls?.map((c) => [c.id, c.name, JSON.parse(c.arguments) as unknown])).toEqual([
          ["call_conf_paris", "get_weather", { city: "Paris" }],
          ["call_conf_rome", "get_weather", { city: "Rome" }],
        ]);
        expect(JSON.stringify(server.requests.find(isChat)?.body)).toContain("get_weather");
      });

      it("tools: sends each result back under its call id, and the model answers from them", async () => {
        const res = await provider.chatAsync({ model, messages: AFTER_TOOLS, tools: [WEATHER_TOOL] });
        const results = toolResultsOf(server.requests.filter(isChat).at(-1)).map((r) => [r.toolCallId, r.content]);
        expect(results).toEqual([
          ["call_conf_paris", '{"tempC":21}'],
          ["call_conf_rome", "the weather service failed"],
        ]);
        expect(res.finishReason).toBe("stop");
        expect(res.toolCalls ?? []).toEqual([]);
        expect(res.content.length).toBeGreaterThan(0);
      });

      it("tools: malformed arguments reach the caller unrepaired", async () => {
        server.toolCalls({ name: "get_weather", arguments: '{"city": "Par' }, { match: isChat });
        const res = await provider.chatAsync(weather());
        const args = res.toolCalls?.[0]?.arguments;
        expect(typeof args).toBe("string");
        let parsed: unknown;
        try {
          parsed = JSON.parse(args ?? "");
        } catch {
          parsed = undefined;
        }
        // Either it does not parse, or it is not the object the schema asks for: never a guess.
        expect(parsed !== null && typeof parsed === "object" && typeof (parsed as { city?: unknown }).city === "string").toBe(
          false,
        );
      });

      if (supports.structured) {
        it("tools with an output schema: after the tool results the answer is the structured output", async () => {
          const res = await provider.chatAsync({
            model,
            messages: AFTER_TOOLS,
            tools: [WEATHER_TOOL],
            output: { name: "qa_answer", schema: QA_SCHEMA },
          });
          expect(res.toolCalls ?? []).toEqual([]);
          expect(isQa(res.parsed)).toBe(true);
        });
      }

      if (supports.streaming) {
        it("tools: streamAsync announces each call, streams its arguments, and finishes with the calls", async () => {
          server.toolCalls(PARALLEL_CALLS, { match: isChat });
          const events: StreamEvent[] = [];
          for await (const event of provider.streamAsync!(weather())) events.push(event);
          const starts = events.flatMap((e) => (e.type === "tool-call-start" ? [[e.index, e.id, e.name]] : []));
          expect(starts).toEqual([
            [0, "call_conf_paris", "get_weather"],
            [1, "call_conf_rome", "get_weather"],
          ]);
          const args = (index: number): string =>
            events.map((e) => (e.type === "tool-call-delta" && e.index === index ? e.delta : "")).join("");
          expect(JSON.parse(args(0))).toEqual({ city: "Paris" });
          expect(JSON.parse(args(1))).toEqual({ city: "Rome" });
          const last = events.at(-1);
          expect(last?.type).toBe("finish");
          if (last?.type === "finish") {
            expect(last.response.finishReason).toBe("tool_calls");
            expect(last.response.toolCalls?.map((c) => c.id)).toEqual(["call_conf_paris", "call_conf_rome"]);
          }
        });
      }
    }

    it("close() is idempotent", async () => {
      const fresh = await options.createProvider(ctx);
      if (fresh.close) {
        await fresh.close();
        await expect(fresh.close()).resolves.toBeUndefined();
      } else expect(fresh.close).toBeUndefined();
    });
  });
}
