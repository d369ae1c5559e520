// Public types of the fake LLM server. Kept apart from the server so the conformance suite and
// users' helpers can import them without pulling in node:http.

/** A scripted failure. Faults model what real providers do on a bad day. */
export type FakeFault =
  | { type: "rate_limit"; retryAfterSeconds?: number; retryAfterMs?: number }
  | { type: "server_error"; status?: 500 | 502 | 503 }
  | { type: "auth" }
  | { type: "malformed_json" }
  | { type: "schema_violation" }
  | { type: "stall" }
  | { type: "disconnect" }
  | { type: "truncated_stream" }
  /**
   * An error answer as written: this HTTP status and body (an object is sent as JSON, a string
   * as is), e.g. a vendor's own 400 or 422 wording. For errors the built-in faults do not cover.
   */
  | { type: "http_error"; status: number; body: unknown; headers?: Record<string, string> }
  /**
   * The API's error event as the very first stream event, after a 200: Anthropic `event: error`
   * (default `overloaded_error`), OpenAI a `data: {"error": ...}` chunk (default `server_error`).
   * A request that does not stream gets the same error as an HTTP answer (529 / 500).
   */
  | { type: "stream_error"; error?: { type: string; message: string } };

export type FakeFaultType = FakeFault["type"];

/** The policy categories Anthropic's `stop_details` names for a refusal. */
export type FakeRefusalCategory = "cyber" | "bio" | "frontier_llm" | "reasoning_extraction" | "general_harms";

/**
 * A scripted way for the model to stop, sent as each API sends it: a 200 whose finish reason is
 * not a normal end. Unlike faults these are answers, so SDKs parse them without error.
 */
export type FakeFinish =
  /**
   * OpenAI: `message.content: null` with `message.refusal` (streamed as `delta.refusal`) and
   * `finish_reason: "stop"`. Anthropic: `stop_reason: "refusal"` with
   * `stop_details: { type: "refusal", category, explanation }` and no content.
   */
  | { reason: "refusal"; explanation?: string; category?: FakeRefusalCategory | null }
  /**
   * The answer cut off at the token budget: the first half of the normal answer (partial JSON
   * for structured output), `finish_reason: "length"` / `stop_reason: "max_tokens"`. Output
   * tokens are reported as the request's `max_tokens` when it set one.
   */
  | { reason: "length" }
  /**
   * OpenAI (and Azure): `finish_reason: "content_filter"` with no content. Anthropic has no such
   * reason; it answers as its API does when a classifier stops the answer: `stop_reason:
   * "refusal"` with `stop_details.explanation: null`.
   */
  | { reason: "content_filter" };

export type FakeFinishReason = FakeFinish["reason"];

/**
 * One scripted tool call. Several in one `toolCalls([...])` are parallel calls of one reply:
 * OpenAI `message.tool_calls` (streamed as indexed `delta.tool_calls`), Anthropic `tool_use`
 * blocks (streamed as `input_json_delta` pieces), finishing with `tool_calls` / `tool_use`.
 */
export interface FakeToolCall {
  name: string;
  /**
   * An object is sent as its JSON. A string is sent exactly as written, so it can be malformed
   * JSON: OpenAI carries it as the arguments text; Anthropic streams it as the input's JSON
   * pieces and, answering in one JSON body, sends it as `input` itself (a string, not an object),
   * since its API has no arguments text.
   */
  arguments: object | string;
  /** The call id. Default: a fresh `call_...` id (for both APIs: it is fixed when scripted). */
  id?: string;
}

/** A tool call as the fake sent it, its id settled. */
export interface FakeSentToolCall {
  id: string;
  name: string;
  /** The arguments as JSON text (or the scripted string as written). */
  arguments: string;
}

/** A tool result found in a request: what a client sent back for one call. */
export interface FakeToolResult {
  toolCallId: string;
  /** The result's text (OpenAI `content`, Anthropic `tool_result` content). */
  content: string;
  /** Anthropic's `is_error` flag; OpenAI has none, so always undefined there. */
  isError?: boolean;
}

/** What the server saw: enough to assert on what a client sent, or that nothing was sent. */
export interface RecordedRequest {
  /** 1-based, in arrival order. */
  id: number;
  method: string;
  /** The path without the query string, e.g. "/v1/chat/completions". */
  path: string;
  /** Lower-cased header names. `authorization`, `x-api-key` and `api-key` values are redacted. */
  headers: Record<string, string>;
  /** The parsed JSON body, the raw text when it was not JSON, or undefined when empty. */
  body: unknown;
  /** Epoch milliseconds when the request arrived. */
  receivedAt: number;
}

export interface ScriptOptions {
  /** How many matching requests the entry applies to. Default 1. */
  times?: number;
  /** Only requests for which this returns true consume the entry. Default: every API request. */
  match?: (request: RecordedRequest) => boolean;
}

export interface FakeLLMServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Delay before every answer, in ms. Default 0. Override per request with `x-fake-latency-ms`. */
  latencyMs?: number;
  /** Delay between streamed chunks, in ms. Default 0 (chunks are still separate SSE events). */
  streamChunkDelayMs?: number;
  /**
   * How many requests `requests` keeps (the oldest are dropped first). Default 10000, so a
   * long benchmark does not grow without bound. 0 turns recording off.
   */
  maxRecordedRequests?: number;
}

export interface FakeLLMServer {
  /** "http://127.0.0.1:PORT" */
  readonly url: string;
  /** url + "/v1": pass as `baseURL` to `new OpenAI(...)`. */
  readonly openaiBaseUrl: string;
  /** url: pass as `baseURL` to `new Anthropic(...)`. */
  readonly anthropicBaseUrl: string;
  readonly port: number;
  setLatency(ms: number): void;
  setStreamChunkDelay(ms: number): void;
  /** The next `times` matching requests (default 1) get the fault. */
  fault(fault: FakeFault, opts?: ScriptOptions): void;
  /** The next matching requests answer with this exact content (objects are sent as JSON text). */
  reply(content: string | object, opts?: ScriptOptions): void;
  /** The next matching chat requests (default 1) end with this finish reason. */
  finish(finish: FakeFinish, opts?: ScriptOptions): void;
  /**
   * The next matching chat requests (default 1) answer with these tool calls, in parallel when
   * several, instead of text or structured output. Returns the calls with their ids as sent.
   */
  toolCalls(calls: FakeToolCall | readonly FakeToolCall[], opts?: ScriptOptions): FakeSentToolCall[];
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /** Drops every scripted fault, reply and finish not yet used. */
  resetScript(): void;
  /** Stops listening and ends every connection, stalled ones included. Idempotent. */
  close(): Promise<void>;
}
