// The direct path of a non-streaming chat call (issue 20). The SDK still decides what goes on the
// wire and what comes back as an error: the URL and headers are read once from its own
// `buildRequest`, and every failure is made by its own classes (`APIError.generate`,
// `APIConnectionError`, `APIUserAbortError`), so error mapping and retries see exactly what they
// see on the SDK path. What is skipped is the SDK's per-call work, measured with `pnpm --filter
// @kaizen/bench profile` at 0 ms latency: rebuilding the same headers through its Headers
// machinery, two eager copies of the request details for a debug log that is off, a second
// AbortController and timer beside the retry budget's, and the WHATWG Response plus web stream
// over the body that the fetch contract forces on a body this client already holds whole.
// docs/benchmarks.md has the CPU and memory this saves, and the provider README what it costs.
import type OpenAI from "openai";
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import { withErrorMember } from "./error-envelope-fetch.js";
import { RequestTimeoutError, nodeTarget, rawHeader, type createNodeFetch } from "./node-fetch.js";
import type * as SseModule from "./sse.js";
import type { EventSourceMessage } from "./sse.js";
import type { OpenedStream } from "./stream-core.js";

export interface DirectAnswer {
  /** The parsed JSON answer, as the SDK's `create()` would return it (text when it is not JSON). */
  data: unknown;
  requestId: string | undefined;
}

/**
 * One attempt: `signal` is the caller's (an abort rejects with the SDK's APIUserAbortError);
 * `timeoutMs` bounds the whole exchange, body included (APIConnectionTimeoutError).
 */
export type DirectChat = (body: object, signal: AbortSignal | undefined, timeoutMs: number | undefined) => Promise<DirectAnswer>;

/**
 * One streamed attempt, in the shape `streamOpenAIChat`'s `open` takes: the SDK's rules for the
 * events (`[DONE]` ends, a `data` holding `error` throws its APIError, a non-2xx answer throws
 * `APIError.generate`), the events read by `readServerSentEvents` straight off node:http.
 */
export type DirectStream = (
  body: ChatCompletionCreateParamsStreaming,
  signal: AbortSignal,
) => Promise<OpenedStream<ChatCompletionChunk>>;

export interface OpenAIDirect {
  chat: DirectChat;
  stream: DirectStream;
}

type NodeFetch = ReturnType<typeof createNodeFetch>;

// Taken on the first stream, so that importing the providers does not load the SSE parser.
let sse: Promise<typeof SseModule> | undefined;

/** Headers the SDK computes per request; everything else it sends is the same for every call. */
const PER_CALL_HEADERS = new Set(["content-length", "x-stainless-timeout", "host"]);

/** The SDK's test: the media type (before any `;`) contains application/json or ends in +json. */
function isJsonMedia(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(";");
  const media = (semi === -1 ? contentType : contentType.slice(0, semi)).trim();
  return media.includes("application/json") || media.endsWith("+json");
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toHeaders(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

/**
 * Direct chat calls and streams for `client`, or undefined when its configuration asks for
 * something only the SDK's own path does (a non-http URL, idempotency keys, its info/debug logging).
 */
export async function createOpenAIDirect(client: OpenAI, node: NodeFetch): Promise<OpenAIDirect | undefined> {
  const sdk = client as unknown as { logLevel?: string; idempotencyHeader?: string };
  if (sdk.logLevel === "info" || sdk.logLevel === "debug" || sdk.idempotencyHeader !== undefined) return undefined;
  const { url, req } = await client.buildRequest({ method: "post", path: "/chat/completions", body: {} });
  const target = nodeTarget(url);
  if (target === undefined) return undefined;
  // Flat [name, value, ...] with Host, as node-fetch.js's requestText takes them.
  const fixed: string[] = ["host", target.host];
  new Headers(req.headers).forEach((value, name) => {
    if (!PER_CALL_HEADERS.has(name)) fixed.push(name, value);
  });
  const SDK = client.constructor as typeof OpenAI;

  /** The SDK's error for a non-2xx answer, the error body mended as on the SDK's path. */
  const statusError = (status: number, rawHeaders: readonly string[], text: string): Error => {
    const errJson = safeJson(text);
    const mended = isJsonMedia(rawHeader(rawHeaders, "content-type")) ? withErrorMember(errJson) : errJson;
    return SDK.APIError.generate(
      status,
      mended as object | undefined,
      mended === undefined ? text : undefined,
      toHeaders(rawHeaders),
    );
  };
  /** A failure before any answer, as the SDK reports it. */
  const connectionError = (error: unknown, signal: AbortSignal | undefined): Error => {
    if (signal?.aborted) return new SDK.APIUserAbortError();
    const text = `${String(error)} ${String((error as { cause?: unknown }).cause ?? "")}`;
    if (error instanceof RequestTimeoutError || /timed? ?out/i.test(text)) return new SDK.APIConnectionTimeoutError();
    return new SDK.APIConnectionError({ cause: error as Error });
  };

  const chat: DirectChat = async (body, signal, timeoutMs) => {
    // The SDK tells the server the client's timeout in whole seconds; so does this.
    const headers = timeoutMs === undefined ? fixed : [...fixed, "x-stainless-timeout", String(Math.trunc(timeoutMs / 1000))];
    let answer;
    try {
      answer = await node.requestText(target, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        ...(signal === undefined ? {} : { signal }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
    } catch (error) {
      throw connectionError(error, signal);
    }
    const { status, rawHeaders, text } = answer;
    if (status < 200 || status >= 300) throw statusError(status, rawHeaders, text);
    const contentType = rawHeader(rawHeaders, "content-type");
    const requestId = rawHeader(rawHeaders, "x-request-id");
    if (status === 204) return { data: null, requestId };
    if (!isJsonMedia(contentType)) return { data: text, requestId };
    if (rawHeader(rawHeaders, "content-length") === "0") return { data: undefined, requestId };
    // Invalid JSON throws the SyntaxError the SDK's `response.json()` would.
    return { data: JSON.parse(text) as unknown, requestId };
  };

  const stream: DirectStream = async (body, signal) => {
    let answer;
    try {
      answer = await node.requestStream(target, { method: "POST", headers: fixed, body: JSON.stringify(body), signal });
    } catch (error) {
      throw connectionError(error, signal);
    }
    const { status, rawHeaders, body: events } = answer;
    if (status < 200 || status >= 300) {
      let text = "";
      events.setEncoding("utf8");
      for await (const chunk of events) text += chunk as string;
      throw statusError(status, rawHeaders, text);
    }
    const { readServerSentEvents } = await (sse ??= import("./sse.js"));
    return {
      chunks: chunksOf(readServerSentEvents(events), events, rawHeaders, SDK),
      requestId: rawHeader(rawHeaders, "x-request-id"),
    };
  };

  return { chat, stream };
}

/** The SDK's reading of a chat-completions event stream (see openai's core/streaming). */
async function* chunksOf(
  events: AsyncIterable<EventSourceMessage>,
  body: { destroy(): void },
  rawHeaders: readonly string[],
  SDK: typeof OpenAI,
): AsyncGenerator<ChatCompletionChunk> {
  let done = false;
  try {
    for await (const event of events) {
      // Read on to the end of the body after [DONE], as the SDK does: leaving the loop early
      // would destroy the response, and with it the kept-alive connection.
      if (done) continue;
      if (event.data.startsWith("[DONE]")) {
        done = true;
        continue;
      }
      // Chat completions send no `thread.*` events; any other parses as the SDK parses it.
      const data = JSON.parse(event.data) as { error?: unknown } | null;
      if (data && data.error) throw new SDK.APIError(undefined, data.error as object, undefined, toHeaders(rawHeaders));
      yield data as ChatCompletionChunk;
    }
    done = true;
  } finally {
    // Left early (a break, an error, the consumer's return): close the connection, as the SDK does.
    if (!done) body.destroy();
  }
}
