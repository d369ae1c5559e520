// Scripted error answers beyond the built-in faults: a status and body exactly as a vendor
// writes them (so clients can be tested on real wording), and the API's error event as the
// first event of a stream that already answered 200.
import { jsonResponse, makeId, sse, type PlannedResponse } from "./fake-http.js";
import type { FakeFault } from "./fake-llm-types.js";

type HttpErrorFault = Extract<FakeFault, { type: "http_error" }>;
type StreamErrorFault = Extract<FakeFault, { type: "stream_error" }>;

export function httpErrorResponse(fault: HttpErrorFault): PlannedResponse {
  const headers = { "content-type": "application/json", ...fault.headers };
  const body = typeof fault.body === "string" ? fault.body : JSON.stringify(fault.body ?? null);
  return { status: fault.status, headers, body };
}

const ANTHROPIC_DEFAULT = { type: "overloaded_error", message: "Overloaded" };
const OPENAI_DEFAULT = {
  type: "server_error",
  message: "The server had an error while processing your request. Sorry about that!",
};

/**
 * Anthropic frames a mid-stream error as `event: error` with the same body as its HTTP errors;
 * OpenAI sends a `data:` chunk holding only `error`. Without `stream` the error is the HTTP
 * answer the API gives for it (Anthropic's overloaded is 529).
 */
export function streamErrorResponse(api: "openai" | "anthropic", fault: StreamErrorFault, stream: boolean): PlannedResponse {
  if (api === "anthropic") {
    const error = fault.error ?? ANTHROPIC_DEFAULT;
    const requestId = makeId("req_01", 22);
    const body = { type: "error", error, request_id: requestId };
    if (!stream) {
      const status = error.type === "overloaded_error" ? 529 : error.type === "api_error" ? 500 : 400;
      return jsonResponse(status, { "request-id": requestId }, body);
    }
    return {
      status: 200,
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "request-id": requestId },
      events: [sse(body, "error")],
    };
  }
  const error = { ...(fault.error ?? OPENAI_DEFAULT), param: null, code: null };
  const requestId = makeId("req_", 32);
  if (!stream) return jsonResponse(error.type === "server_error" ? 500 : 400, { "x-request-id": requestId }, { error });
  return {
    status: 200,
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-request-id": requestId },
    events: [sse({ error })],
  };
}
