// The fake LLM server: real HTTP speaking the OpenAI and Anthropic wire protocols, with latency,
// scripted faults and replies, and a record of what it received. It is also the performance
// floor of the benchmarks, so the per-request path stays small.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { anthropicError, anthropicMessages, anthropicModels } from "./anthropic-wire.js";
import { asRecord, jsonResponse, textOf, type PlannedResponse, type RequestFlags } from "./fake-http.js";
import type {
  FakeFault,
  FakeFaultType,
  FakeFinish,
  FakeFinishReason,
  FakeLLMServer,
  FakeLLMServerOptions,
  FakeSentToolCall,
  FakeToolCall,
  RecordedRequest,
  ScriptOptions,
} from "./fake-llm-types.js";
import { httpErrorResponse, streamErrorResponse } from "./fake-errors.js";
import { settleToolCalls } from "./fake-tool-calls.js";
import { openaiChat, openaiEmbeddings, openaiError, openaiModels } from "./openai-wire.js";

const FAULT_TYPES: readonly FakeFaultType[] = [
  "rate_limit",
  "server_error",
  "auth",
  "malformed_json",
  "schema_violation",
  "stall",
  "disconnect",
  "truncated_stream",
  "http_error",
  "stream_error",
];
const FINISH_REASONS: readonly FakeFinishReason[] = ["refusal", "length", "content_filter"];
const REDACTED_HEADERS = new Set(["authorization", "x-api-key", "api-key", "proxy-authorization"]);
const DEFAULT_MAX_RECORDED = 10_000;

interface ScriptEntry<T> {
  value: T;
  remaining: number;
  match: ((request: RecordedRequest) => boolean) | undefined;
}

type Api = "openai" | "anthropic";
type Route =
  | { kind: "openai-chat" }
  | { kind: "openai-embeddings" }
  | { kind: "models"; id?: string }
  | { kind: "anthropic-messages" }
  | { kind: "anthropic-count-tokens" };

function routeOf(method: string, path: string): Route | undefined {
  const p = path.startsWith("/v1/") ? path.slice(3) : path;
  if (method === "POST") {
    if (p === "/chat/completions") return { kind: "openai-chat" };
    if (p === "/embeddings") return { kind: "openai-embeddings" };
    if (p === "/messages") return { kind: "anthropic-messages" };
    if (p === "/messages/count_tokens") return { kind: "anthropic-count-tokens" };
  } else if (method === "GET") {
    if (p === "/models") return { kind: "models" };
    if (p.startsWith("/models/")) return { kind: "models", id: decodeURIComponent(p.slice("/models/".length)) };
  }
  return undefined;
}

function isChatRoute(route: Route): boolean {
  return route.kind === "openai-chat" || route.kind === "anthropic-messages";
}

/** Parses `x-fake-fault: rate_limit`, with an optional parameter: `rate_limit:250` (ms), `server_error:503`. */
export function parseFaultHeader(value: string): FakeFault | undefined {
  const [name = "", param] = value
    .trim()
    .split(":", 2)
    .map((s) => s.trim());
  const n = param === undefined || param === "" ? undefined : Number(param);
  switch (name as FakeFaultType) {
    case "rate_limit":
      return n !== undefined && Number.isFinite(n) ? { type: "rate_limit", retryAfterMs: n } : { type: "rate_limit" };
    case "server_error":
      return n === 500 || n === 502 || n === 503 ? { type: "server_error", status: n } : { type: "server_error" };
    case "auth":
    case "malformed_json":
    case "schema_violation":
    case "stall":
    case "disconnect":
    case "truncated_stream":
    case "stream_error":
      return { type: name as Exclude<FakeFaultType, "rate_limit" | "server_error" | "http_error"> };
    default:
      return undefined;
  }
}

function readHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (REDACTED_HEADERS.has(name)) {
      out[name] = /^(Bearer|Basic)\s/i.test(text) ? `${text.split(/\s/, 1)[0] ?? "Bearer"} [redacted]` : "[redacted]";
    } else out[name] = text;
  }
  return out;
}

/** The key as the real OpenAI API echoes it in a 401: a prefix, stars, the last four. */
function maskKey(req: IncomingMessage): string {
  const raw = req.headers.authorization ?? "";
  const key = (Array.isArray(raw) ? (raw[0] ?? "") : raw).replace(/^Bearer\s+/i, "");
  if (key.length < 12) return "sk-****";
  return `${key.slice(0, 3)}${"*".repeat(Math.min(40, key.length - 7))}${key.slice(-4)}`;
}

function retryAfterMsOf(fault: Extract<FakeFault, { type: "rate_limit" }>): number {
  if (fault.retryAfterMs !== undefined) return Math.max(0, fault.retryAfterMs);
  if (fault.retryAfterSeconds !== undefined) return Math.max(0, fault.retryAfterSeconds * 1000);
  return 1000;
}

class FakeLLMServerImpl implements FakeLLMServer {
  url = "";
  openaiBaseUrl = "";
  anthropicBaseUrl = "";
  port = 0;
  private readonly http: Server;
  private latencyMs: number;
  private chunkDelayMs: number;
  private readonly maxRecorded: number;
  private readonly faults: Array<ScriptEntry<FakeFault>> = [];
  private readonly replies: Array<ScriptEntry<string>> = [];
  private readonly finishes: Array<ScriptEntry<FakeFinish>> = [];
  private readonly calls: Array<ScriptEntry<FakeSentToolCall[]>> = [];
  private recorded: RecordedRequest[] = [];
  private nextId = 1;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: FakeLLMServerOptions) {
    this.latencyMs = Math.max(0, options.latencyMs ?? 0);
    this.chunkDelayMs = Math.max(0, options.streamChunkDelayMs ?? 0);
    this.maxRecorded = Math.max(0, options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED);
    this.http = createServer({ keepAlive: true, noDelay: true }, (req, res) => this.onRequest(req, res));
    // Benchmarks hold thousands of idle keep-alive connections between bursts.
    this.http.keepAliveTimeout = 65_000;
    this.http.headersTimeout = 66_000;
    this.http.requestTimeout = 0;
    this.http.maxRequestsPerSocket = 0;
    this.http.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.http.once("error", onError);
      this.http.listen({ port: this.options.port ?? 0, host, backlog: 4096 }, () => {
        this.http.off("error", onError);
        resolve();
      });
    });
    const address = this.http.address();
    if (address === null || typeof address === "string") throw new Error("The fake LLM server did not get a TCP address.");
    this.port = address.port;
    const hostForUrl = host.includes(":") ? `[${host}]` : host;
    this.url = `http://${hostForUrl}:${this.port}`;
    this.openaiBaseUrl = `${this.url}/v1`;
    this.anthropicBaseUrl = this.url;
  }

  get requests(): RecordedRequest[] {
    return this.recorded;
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  setStreamChunkDelay(ms: number): void {
    this.chunkDelayMs = Math.max(0, ms);
  }

  fault(fault: FakeFault, opts: ScriptOptions = {}): void {
    if (!FAULT_TYPES.includes(fault.type)) {
      throw new TypeError(`Unknown fault type "${String(fault.type)}". Use one of: ${FAULT_TYPES.join(", ")}.`);
    }
    this.faults.push({ value: fault, remaining: opts.times ?? 1, match: opts.match });
  }

  reply(content: string | object, opts: ScriptOptions = {}): void {
    const text = typeof content === "string" ? content : JSON.stringify(content);
    this.replies.push({ value: text, remaining: opts.times ?? 1, match: opts.match });
  }

  finish(finish: FakeFinish, opts: ScriptOptions = {}): void {
    if (!FINISH_REASONS.includes(finish.reason)) {
      throw new TypeError(`Unknown finish reason "${String(finish.reason)}". Use one of: ${FINISH_REASONS.join(", ")}.`);
    }
    this.finishes.push({ value: finish, remaining: opts.times ?? 1, match: opts.match });
  }

  toolCalls(calls: FakeToolCall | readonly FakeToolCall[], opts: ScriptOptions = {}): FakeSentToolCall[] {
    const settled = settleToolCalls(calls);
    this.calls.push({ value: settled, remaining: opts.times ?? 1, match: opts.match });
    return settled.map((call) => ({ ...call }));
  }

  clearRequests(): void {
    this.recorded = [];
  }

  resetScript(): void {
    this.faults.length = 0;
    this.replies.length = 0;
    this.finishes.length = 0;
    this.calls.length = 0;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.http.close(() => resolve());
      this.http.closeAllConnections();
      // Stalled requests are not "connections" closeAllConnections knows to end.
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closing;
  }

  private take<T>(entries: Array<ScriptEntry<T>>, request: RecordedRequest): T | undefined {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (!entry || (entry.match && !entry.match(request))) continue;
      entry.remaining--;
      if (entry.remaining <= 0) entries.splice(i, 1);
      return entry.value;
    }
    return undefined;
  }

  private later(ms: number, fn: () => void): void {
    if (this.closing) return;
    if (ms <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", () => res.destroy());
    req.on("end", () => this.handle(req, res, chunks, startedAt));
  }

  private handle(req: IncomingMessage, res: ServerResponse, chunks: Buffer[], startedAt: number): void {
    const method = req.method ?? "GET";
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    let body: unknown;
    let badJson = false;
    if (chunks.length > 0) {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
        badJson = true;
      }
    }
    const recorded: RecordedRequest = { id: this.nextId++, method, path, headers: readHeaders(req), body, receivedAt: startedAt };
    if (this.maxRecorded > 0) {
      this.recorded.push(recorded);
      if (this.recorded.length > this.maxRecorded) this.recorded.shift();
    }
    const route = routeOf(method, path);
    const api: Api =
      route?.kind.startsWith("anthropic") || req.headers["anthropic-version"] !== undefined ? "anthropic" : "openai";
    const flags: RequestFlags = { violate: false, truncate: false, malformed: false, startedAt };
    const headerLatency = Number(req.headers["x-fake-latency-ms"]);
    const latency =
      req.headers["x-fake-latency-ms"] !== undefined && Number.isFinite(headerLatency)
        ? Math.max(0, headerLatency)
        : this.latencyMs;

    if (!route) {
      const message = `Unknown request URL: ${method} ${path}. The fake LLM server speaks POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models and POST /v1/messages.`;
      this.send(
        res,
        api === "anthropic" ? anthropicError("not_found", { message }) : openaiError("not_found", flags, { message }),
        0,
      );
      return;
    }
    const faultHeader = req.headers["x-fake-fault"];
    let fault: FakeFault | undefined;
    if (typeof faultHeader === "string" && faultHeader !== "") {
      fault = parseFaultHeader(faultHeader);
      if (!fault) {
        const message = `Unknown x-fake-fault "${faultHeader}". Use one of: ${FAULT_TYPES.join(", ")}.`;
        this.send(
          res,
          api === "anthropic" ? anthropicError("bad_request", { message }) : openaiError("bad_request", flags, { message }),
          0,
        );
        return;
      }
    } else if (this.faults.length > 0) fault = this.take(this.faults, recorded);
    if (isChatRoute(route) && this.replies.length > 0) flags.reply = this.take(this.replies, recorded);
    if (isChatRoute(route) && this.finishes.length > 0) flags.finish = this.take(this.finishes, recorded);
    if (isChatRoute(route) && this.calls.length > 0) flags.toolCalls = this.take(this.calls, recorded);

    if (fault?.type === "stall") return; // Held open until the client gives up or close() runs.
    const chunkHeader = Number(req.headers["x-fake-stream-delay-ms"]);
    const chunkDelay =
      req.headers["x-fake-stream-delay-ms"] !== undefined && Number.isFinite(chunkHeader)
        ? Math.max(0, chunkHeader)
        : this.chunkDelayMs;
    this.later(latency, () => {
      if (res.destroyed) return;
      if (fault?.type === "disconnect") {
        req.socket.destroy();
        return;
      }
      if (badJson) {
        const message = "We could not parse the JSON body of your request. Send valid JSON.";
        this.send(
          res,
          api === "anthropic" ? anthropicError("bad_request", { message }) : openaiError("bad_request", flags, { message }),
          0,
        );
        return;
      }
      switch (fault?.type) {
        case "rate_limit": {
          const retryAfterMs = retryAfterMsOf(fault);
          this.send(
            res,
            api === "anthropic"
              ? anthropicError("rate_limit", { retryAfterMs })
              : openaiError("rate_limit", flags, { retryAfterMs }),
            0,
          );
          return;
        }
        case "server_error": {
          const status = fault.status ?? 500;
          this.send(
            res,
            api === "anthropic" ? anthropicError("server_error", { status }) : openaiError("server_error", flags, { status }),
            0,
          );
          return;
        }
        case "auth":
          this.send(
            res,
            api === "anthropic" ? anthropicError("auth") : openaiError("auth", flags, { apiKeyHint: maskKey(req) }),
            0,
          );
          return;
        case "http_error":
          this.send(res, httpErrorResponse(fault), 0);
          return;
        case "stream_error":
          this.send(res, streamErrorResponse(api, fault, asRecord(body).stream === true), 0);
          return;
        case "malformed_json":
          flags.malformed = true;
          break;
        case "schema_violation":
          flags.violate = true;
          break;
        case "truncated_stream":
          flags.truncate = true;
          break;
        default:
          break;
      }
      this.send(res, this.answer(route, api, body, flags), chunkDelay);
    });
  }

  private answer(route: Route, api: Api, body: unknown, flags: RequestFlags): PlannedResponse {
    switch (route.kind) {
      case "openai-chat":
        return openaiChat(body, flags);
      case "openai-embeddings":
        return openaiEmbeddings(body, flags);
      case "anthropic-messages":
        return anthropicMessages(body, flags);
      case "anthropic-count-tokens": {
        const b = asRecord(body);
        let chars = textOf(b.system).length;
        if (Array.isArray(b.messages)) for (const m of b.messages) chars += textOf(asRecord(m).content).length + 4;
        return jsonResponse(200, { "request-id": `req_count${flags.startedAt}` }, { input_tokens: Math.ceil(chars / 4) + 3 });
      }
      case "models":
        // Both APIs list models at GET /v1/models; the Anthropic client marks itself with anthropic-version.
        return api === "anthropic" ? anthropicModels(route.id) : openaiModels(flags, route.id);
    }
  }

  private send(res: ServerResponse, planned: PlannedResponse, chunkDelayMs: number): void {
    if (res.destroyed) return;
    const { status, headers, body, events, cutAfter } = planned;
    if (body !== undefined) {
      const buffer = Buffer.from(body, "utf8");
      res.writeHead(status, { ...headers, "content-length": String(buffer.length) });
      if (cutAfter !== undefined) {
        // A cut connection: part of the promised body, then the socket dies.
        res.write(buffer.subarray(0, cutAfter), () => res.destroy());
        return;
      }
      res.end(buffer);
      return;
    }
    const list = cutAfter !== undefined ? (events ?? []).slice(0, cutAfter) : (events ?? []);
    res.writeHead(status, { ...headers, connection: "keep-alive" });
    if (chunkDelayMs <= 0 || list.length <= 1) {
      res.end(list.join(""));
      return;
    }
    let index = 0;
    const next = (): void => {
      if (res.destroyed) return;
      const event = list[index++];
      if (event === undefined) {
        res.end();
        return;
      }
      res.write(event);
      this.later(chunkDelayMs, next);
    };
    next();
  }
}

/** Starts a fake LLM server. Port 0 (the default) picks a free port; `close()` when done. */
export async function startFakeLLMServer(options: FakeLLMServerOptions = {}): Promise<FakeLLMServer> {
  const server = new FakeLLMServerImpl(options);
  await server.listen();
  return server;
}
