// Cassettes: real API exchanges saved as JSON, so one real session becomes a regression test.
// The recording proxy writes them (keys redacted), the replay server serves them over real HTTP,
// framed as each API frames it: JSON bodies, or server-sent events (OpenAI `data:` lines ending
// in `data: [DONE]`, Anthropic named `event:` lines).
import { readFileSync } from "node:fs";
import { ConfigurationError, redactSecrets } from "@kaizen/contracts";

export const CASSETTE_VERSION = 1;

/** One server-sent event: `event` is the SSE event name (Anthropic), absent for OpenAI's data-only events. */
export interface CassetteEvent {
  event?: string;
  /** The parsed JSON of the `data:` line, or the raw text (e.g. "[DONE]"). */
  data: unknown;
}

export interface CassetteRequest {
  method: string;
  /** The path with its query string, e.g. "/v1/chat/completions". */
  path: string;
  /** The JSON body. Left out in a hand-written cassette, any body matches. */
  body?: unknown;
  /** Request headers as sent, the credential ones as "[redacted]". Not used for matching. */
  headers?: Record<string, string>;
}

export interface CassetteResponse {
  status: number;
  /** Response headers worth replaying (content-type, request ids, rate-limit and retry headers). */
  headers: Record<string, string>;
  /** A JSON (or text) body. */
  body?: unknown;
  /** A stream, event by event. */
  events?: CassetteEvent[];
}

export interface CassetteInteraction {
  request: CassetteRequest;
  response: CassetteResponse;
}

export interface Cassette {
  version: typeof CASSETTE_VERSION;
  name: string;
  /** Where the exchange came from: a recording's upstream, or the public page a response was taken from. */
  source?: string;
  interactions: CassetteInteraction[];
}

/** Header names never written to a cassette, whatever their value. */
export const REDACTED_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "x-api-key",
  "api-key",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "openai-organization",
  "openai-project",
  "anthropic-organization-id",
]);

/** Response headers kept in a cassette; the rest (dates, connection, cf-*) only make diffs noisy. */
export const KEPT_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  "content-type",
  "x-request-id",
  "request-id",
  "retry-after",
  "retry-after-ms",
  "openai-processing-ms",
  "x-ratelimit-remaining-requests",
  "x-ratelimit-remaining-tokens",
  "anthropic-ratelimit-requests-remaining",
  "anthropic-ratelimit-tokens-remaining",
]);

/** Redacts key-like strings anywhere in a JSON value (e.g. a key echoed in an error message). */
export function redactValue(value: unknown, secrets: readonly string[] = []): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = /^(api[-_]?key|authorization|x-api-key)$/i.test(key) ? "[redacted]" : redactValue(item, secrets);
    }
    return out;
  }
  return value;
}

/**
 * Request headers as a cassette holds them: credentials "[redacted]", and the SDKs' per-machine
 * x-stainless-* headers (OS, runtime version) and hop-by-hop ones left out.
 */
export function recordedRequestHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || lower.startsWith("x-stainless-")) continue;
    if (["host", "connection", "content-length", "accept-encoding", "keep-alive"].includes(lower)) continue;
    out[lower] = REDACTED_HEADERS.has(lower) ? "[redacted]" : Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** The response headers a cassette keeps, lower-cased. */
export function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || REDACTED_HEADERS.has(lower) || !KEPT_RESPONSE_HEADERS.has(lower)) continue;
    out[lower] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Parses a server-sent event stream into events (comments and blank keep-alives dropped). */
export function parseSse(text: string): CassetteEvent[] {
  const events: CassetteEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let name: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length === 0) continue;
    const raw = data.join("\n");
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // "[DONE]" and other non-JSON data stay text
    }
    events.push(name === undefined ? { data: parsed } : { event: name, data: parsed });
  }
  return events;
}

/** Frames events as the API sent them: `event:` lines when named, `data:` lines always. */
export function frameSse(events: readonly CassetteEvent[]): string {
  return events
    .map((e) => {
      const data = typeof e.data === "string" ? e.data : JSON.stringify(e.data);
      return e.event === undefined ? `data: ${data}\n\n` : `event: ${e.event}\ndata: ${data}\n\n`;
    })
    .join("");
}

/** JSON with object keys sorted, so two bodies that differ only in key order compare equal. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A body as matching sees it: keys in order, the ignored top-level fields gone. */
export function normaliseBody(body: unknown, ignoreFields: readonly string[] = []): string {
  if (body !== null && typeof body === "object" && !Array.isArray(body) && ignoreFields.length > 0) {
    const copy = { ...(body as Record<string, unknown>) };
    for (const field of ignoreFields) delete copy[field];
    return stableStringify(copy);
  }
  return stableStringify(body);
}

/** Reads and checks a cassette file. */
export function loadCassette(file: string | URL): Cassette {
  const cassette = JSON.parse(readFileSync(file, "utf8")) as Cassette;
  if (cassette.version !== CASSETTE_VERSION || !Array.isArray(cassette.interactions)) {
    throw new ConfigurationError(
      `${String(file)} is not a version ${CASSETTE_VERSION} cassette (interactions missing or another version). Fix: record it again with startRecordingProxy.`,
      { field: "cassette" },
    );
  }
  return cassette;
}

/** The cassettes shipped with @kaizen/testing (see cassettes/SOURCES.md). */
export const BUILTIN_CASSETTES_DIR: URL = new URL("../cassettes/", import.meta.url);

export function builtinCassette(name: string): Cassette {
  return loadCassette(new URL(`${name}.json`, BUILTIN_CASSETTES_DIR));
}
