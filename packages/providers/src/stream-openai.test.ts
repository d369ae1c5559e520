import OpenAI from "openai";
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AbortError,
  AuthenticationError,
  ConfigurationError,
  InvalidResponseError,
  TimeoutError,
  type ChatRequest,
  type ChatResponse,
  type StreamEvent,
} from "@kaizen/contracts";
import { startFakeLLMServer, type FakeLLMServer } from "@kaizen/testing";
import { startRecordingProxy, type RecordingProxy } from "./__fixtures__/recording-proxy.js";
import { OpenAIProvider } from "./openai-provider.js";
import { streamOpenAIChat, type OpenAIChatChunk, type OpenAIStreamOptions } from "./stream-openai.js";
import { mapHttpError } from "./errors-map.js";
import { readServerSentEvents } from "./sse.js";
import { toOpenAIMessage } from "./openai-tools.js";

const API_KEY = "sk-test-stream-openai-0123456789abcdef";
const SCHEMA = {
  type: "object",
  properties: {
    answer: { type: "string", description: "Detailed answer" },
    confidence: { type: "number", minimum: 0, maximum: 1 },
  },
  required: ["answer", "confidence"],
  additionalProperties: false,
};

let server: FakeLLMServer;
let proxy: RecordingProxy;
let client: OpenAI;
let proxiedClient: OpenAI;

beforeAll(async () => {
  server = await startFakeLLMServer();
  proxy = await startRecordingProxy(server.url);
  client = new OpenAI({ apiKey: API_KEY, baseURL: server.openaiBaseUrl, maxRetries: 0 });
  proxiedClient = new OpenAI({ apiKey: API_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await server.close();
});

beforeEach(() => {
  server.resetScript();
  server.clearRequests();
  server.setStreamChunkDelay(0);
});

function plainRequest(question = "What is 2+2?"): ChatRequest {
  return { model: "gpt-4o-mini", messages: [{ role: "user", content: question }] };
}

function structuredRequest(): ChatRequest {
  return { ...plainRequest(), output: { name: "QAOutput", schema: SCHEMA } };
}

function bodyOf(request: ChatRequest): ChatCompletionCreateParamsNonStreaming {
  const body: ChatCompletionCreateParamsNonStreaming = { model: request.model, messages: request.messages.map(toOpenAIMessage) };
  if (request.output) {
    body.response_format = {
      type: "json_schema",
      json_schema: { name: request.output.name, schema: request.output.schema, strict: true },
    };
  }
  return body;
}

function stream(request: ChatRequest, extra: Partial<OpenAIStreamOptions> = {}): AsyncIterable<StreamEvent> {
  return streamOpenAIChat({
    provider: "openai",
    client,
    body: bodyOf(request),
    request,
    structuredOutput: request.output ? "json_schema" : "none",
    secrets: [API_KEY],
    maxRetries: 2,
    ...extra,
  });
}

async function collect(
  events: AsyncIterable<StreamEvent>,
): Promise<{ events: StreamEvent[]; at: number[]; finish: ChatResponse }> {
  const out: StreamEvent[] = [];
  const at: number[] = [];
  for await (const event of events) {
    out.push(event);
    at.push(performance.now());
  }
  const last = out[out.length - 1];
  if (last?.type !== "finish") throw new Error("no finish event");
  return { events: out, at, finish: last.response };
}

describe("streamOpenAIChat", () => {
  it("streams text deltas that reassemble to the plain answer, then one finish with usage", async () => {
    const plain = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: plainRequest().messages.map(toOpenAIMessage),
    });
    const { events, finish } = await collect(stream(plainRequest()));
    const deltas = events.filter((e): e is Extract<StreamEvent, { type: "text-delta" }> => e.type === "text-delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.delta).join("")).toBe(plain.choices[0]?.message.content);
    expect(events.filter((e) => e.type === "finish")).toHaveLength(1);
    expect(events.some((e) => e.type === "partial-object")).toBe(false);
    expect(finish.content).toBe(plain.choices[0]?.message.content);
    expect(finish.content).toContain("4");
    expect(finish.finishReason).toBe("stop");
    expect(finish.structuredOutput).toBe("none");
    expect(finish.usage.inputTokens).toBeGreaterThan(0);
    expect(finish.usage.outputTokens).toBeGreaterThan(0);
    expect(finish.requestId).toBeDefined();
    expect(finish.attempts).toBe(1);
    const sent = server.requests[server.requests.length - 1]?.body as Record<string, unknown>;
    expect(sent["stream"]).toBe(true);
    expect(sent["stream_options"]).toEqual({ include_usage: true });
  });

  it("emits partial objects before the whole answer when an output schema is asked", async () => {
    const delay = 40;
    server.setStreamChunkDelay(delay);
    const { events, at, finish } = await collect(stream(structuredRequest()));
    const partialIndexes = events.flatMap((e, i) => (e.type === "partial-object" ? [i] : []));
    const distinct = new Set(partialIndexes.map((i) => JSON.stringify((events[i] as { object: unknown }).object)));
    expect(distinct.size).toBeGreaterThanOrEqual(2);
    const firstPartialAt = at[partialIndexes[0] as number] as number;
    const finishAt = at[at.length - 1] as number;
    expect(finishAt - firstPartialAt).toBeGreaterThanOrEqual(delay);
    const parsed = finish.parsed as { answer: string; confidence: number };
    expect(parsed.answer).toContain("4");
    expect(JSON.parse(finish.content)).toEqual(parsed);
    // the last partial is the whole object
    const lastPartial = events[partialIndexes[partialIndexes.length - 1] as number] as { object: unknown };
    expect(lastPartial.object).toEqual(parsed);
    expect(finish.structuredOutput).toBe("json_schema");
  });

  it("a truncated stream ends in an InvalidResponseError", async () => {
    server.fault({ type: "truncated_stream" });
    const seen: StreamEvent[] = [];
    const error = await (async () => {
      for await (const event of stream(structuredRequest())) seen.push(event);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(/ended before/);
    expect(seen.some((e) => e.type === "finish")).toBe(false);
    expect(server.requests).toHaveLength(1); // no retry once chunks were delivered
  });

  it("a stall ends in a TimeoutError within the time budget", async () => {
    server.fault({ type: "stall" });
    const started = Date.now();
    const error = await collect(stream(plainRequest(), { timeoutMs: 300 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("a stream that runs past its time budget mid-answer ends in a TimeoutError, not a quiet finish", async () => {
    // Chunks every 250 ms, a budget of 1 s: a few deltas arrive, then the budget runs out long
    // before the answer (a story of many chunks) could finish.
    server.setStreamChunkDelay(250);
    const seen: StreamEvent[] = [];
    const started = Date.now();
    const error = await (async () => {
      for await (const event of stream(plainRequest("Tell me a long story about the number four."), { timeoutMs: 1_000 }))
        seen.push(event);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(seen.some((e) => e.type === "text-delta")).toBe(true);
    expect(seen.some((e) => e.type === "finish")).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("retries before the first chunk through the shared retry authority", async () => {
    server.fault({ type: "rate_limit", retryAfterMs: 20 });
    const { finish } = await collect(stream(plainRequest()));
    expect(finish.attempts).toBe(2);
    expect(finish.content).toContain("4");
  });

  it("a 401 is an AuthenticationError without the key in it", async () => {
    server.fault({ type: "auth" });
    const error = await collect(stream(plainRequest())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(`${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ""}`).not.toContain(API_KEY);
  });

  it("breaking out of the loop closes the upstream connection, and a later request works", async () => {
    server.setStreamChunkDelay(50);
    const before = proxy.records.length;
    let seen = 0;
    for await (const event of stream(plainRequest("Tell me a long story about the number four."), { client: proxiedClient })) {
      if (event.type === "text-delta") seen++;
      if (seen === 2) break;
    }
    const record = proxy.records[before];
    expect(record).toBeDefined();
    await record?.closed;
    expect(record?.clientClosedEarly).toBe(true);
    server.setStreamChunkDelay(0);
    const { finish } = await collect(stream(plainRequest(), { client: proxiedClient }));
    expect(finish.content).toContain("4");
  });

  it("aborting the signal stops the stream with an AbortError and closes the connection", async () => {
    server.setStreamChunkDelay(50);
    const before = proxy.records.length;
    const controller = new AbortController();
    const request = { ...plainRequest("Tell me a long story about the number four."), signal: controller.signal };
    let deltas = 0;
    const error = await (async () => {
      for await (const event of stream(request, { client: proxiedClient })) {
        if (event.type === "text-delta" && ++deltas === 1) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(deltas).toBe(1);
    await proxy.records[before]?.closed;
    expect(proxy.records[before]?.clientClosedEarly).toBe(true);
  });

  it("in tool mode streams the forced function's arguments as the answer (through OpenAIProvider)", async () => {
    server.setStreamChunkDelay(5);
    const provider = new OpenAIProvider({ apiKey: API_KEY, baseUrl: server.openaiBaseUrl, useAsync: true });
    try {
      const request: ChatRequest = { ...plainRequest(), output: { name: "QAOutput", schema: SCHEMA, mode: "tool" } };
      const { events, finish } = await collect(provider.streamAsync(request));
      expect(finish.structuredOutput).toBe("tool");
      expect(finish.finishReason).toBe("stop");
      expect(finish.toolCalls).toBeUndefined();
      const parsed = finish.parsed as { answer: string; confidence: number };
      expect(parsed.answer).toContain("4");
      expect(events.flatMap((e) => (e.type === "text-delta" ? [e.delta] : [])).join("")).toBe(finish.content);
      expect(events.filter((e) => e.type === "partial-object").length).toBeGreaterThanOrEqual(2);
      const sent = server.requests[server.requests.length - 1]?.body as Record<string, unknown>;
      expect(sent["tool_choice"]).toEqual({ type: "function", function: { name: "QAOutput" } });
    } finally {
      await provider.close();
    }
  });

  it("maps strict mode's null for an optional property back to absent in partials and the final object", async () => {
    server.setStreamChunkDelay(5);
    server.reply('{"answer": "4", "note": null}');
    const provider = new OpenAIProvider({ apiKey: API_KEY, baseUrl: server.openaiBaseUrl, useAsync: true });
    try {
      const schema = {
        type: "object",
        properties: { answer: { type: "string" }, note: { type: "string" } },
        required: ["answer"],
        additionalProperties: false,
      };
      const { events, finish } = await collect(provider.streamAsync({ ...plainRequest(), output: { name: "QA", schema } }));
      expect(finish.structuredOutput).toBe("json_schema");
      expect(finish.parsed).toEqual({ answer: "4" });
      const partials = events.flatMap((e) => (e.type === "partial-object" ? [e.object as Record<string, unknown>] : []));
      expect(partials.length).toBeGreaterThan(0);
      for (const partial of partials) expect(partial["note"]).toBeUndefined();
      expect(partials.at(-1)).toEqual({ answer: "4" });
    } finally {
      await provider.close();
    }
  });
});

describe("streamOpenAIChat over your own transport (open instead of an SDK client)", () => {
  // What a custom provider writes: fetch the stream body, read its events, hand over parsed chunks.
  function fetchTransport(opened: string[]): OpenAIStreamOptions["open"] {
    return async (body, signal) => {
      opened.push(JSON.stringify(body));
      const res = await fetch(`${server.openaiBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify(body),
        signal,
      });
      const headers = Object.fromEntries(res.headers);
      const events = res.body;
      if (!res.ok || !events) throw mapHttpError({ status: res.status, headers, body: await res.text() }, { provider: "mine" });
      return {
        requestId: headers["x-request-id"],
        chunks: (async function* () {
          for await (const { data } of readServerSentEvents(events)) {
            if (data === "[DONE]") return;
            yield JSON.parse(data) as OpenAIChatChunk;
          }
        })(),
      };
    };
  }

  it("gives the same events and finish as the SDK client, and sends the stream body it was given", async () => {
    const opened: string[] = [];
    const viaSdk = await collect(stream(structuredRequest()));
    const viaFetch = await collect(stream(structuredRequest(), { client: undefined, open: fetchTransport(opened) }));
    expect(viaFetch.events.map((e) => e.type)).toEqual(viaSdk.events.map((e) => e.type));
    expect(viaFetch.finish.parsed).toEqual(viaSdk.finish.parsed);
    expect(viaFetch.finish.usage).toEqual(viaSdk.finish.usage);
    expect(viaFetch.finish.requestId).toBeDefined();
    expect(opened).toHaveLength(1);
    expect(JSON.parse(opened[0] ?? "{}")).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("retries a 500 before the first event through the same retry authority", async () => {
    server.fault({ type: "http_error", status: 500, body: { error: { message: "boom" } } }, { times: 1 });
    const opened: string[] = [];
    const { finish } = await collect(stream(plainRequest(), { client: undefined, open: fetchTransport(opened) }));
    expect(opened).toHaveLength(2);
    expect(finish.attempts).toBe(2);
  });

  it("without a client or an open function it says which to pass", () => {
    expect(() => stream(plainRequest(), { client: undefined })).toThrow(ConfigurationError);
    expect(() => stream(plainRequest(), { client: undefined })).toThrow(/needs `client`.*or `open`/);
  });
});
