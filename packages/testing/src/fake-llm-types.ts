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
  | { type: "truncated_stream" };

export type FakeFaultType = FakeFault["type"];

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
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /** Drops every scripted fault and reply not yet used. */
  resetScript(): void;
  /** Stops listening and ends every connection, stalled ones included. Idempotent. */
  close(): Promise<void>;
}
