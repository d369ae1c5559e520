// A provider in the app's own code for any OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, a proxy): the transport is
// here; retries, error mapping, the blocking bridge behind chat(), SSE, partial JSON and the wire translation are the toolkit's.
import { ConfigurationError, TimeoutError } from "@kaizen/contracts";
import type { ChatRequest, ChatResponse, LLMProvider, StreamEvent } from "@kaizen/contracts";
import { computeCost } from "@kaizen/providers";
import * as kit from "@kaizen/providers/toolkit";

export interface CompatHttpProviderOptions {
  /** The API root, e.g. "http://localhost:11434/v1" (Ollama). `/chat/completions` is appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer ...` when set. */
  apiKey?: string | undefined;
  /** Shown in errors and logs. Default "my-compat". */
  name?: string | undefined;
  /** Per-attempt timeout (for a stream: the whole stream). Default 60 s. */
  timeoutMs?: number | undefined;
  /** Retries of retryable failures (429, 5xx, network). Default 2. */
  maxRetries?: number | undefined;
}

type Plan = kit.OpenAIRequestPlan;

export class CompatHttpProvider implements LLMProvider {
  readonly name: string;
  readonly #url: string;
  readonly #options: CompatHttpProviderOptions;
  readonly #context: { provider: string; secrets: string[] };
  readonly #bridge = kit.createSyncBridge();

  constructor(options: CompatHttpProviderOptions) {
    if (!options?.baseUrl) {
      const example = '{ llmProvider: "my-compat", baseUrl: "http://localhost:11434/v1", model: "llama3.2" }';
      throw new ConfigurationError(`CompatHttpProvider needs baseUrl, e.g. BaseAgentConfig(${example}).`, { field: "baseUrl" });
    }
    this.name = options.name ?? "my-compat";
    this.#url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
    this.#options = options;
    this.#context = { provider: this.name, secrets: options.apiKey ? [options.apiKey] : [] };
  }

  /** Blocks the calling thread (for agent.run()): the toolkit's bridge makes the request on a worker thread. */
  chat(request: ChatRequest): ChatResponse {
    const { plan, init, retry } = this.#request(request);
    return kit.withRetrySync(({ attempt, remainingMs }) => {
      const reply = this.#bridge.fetch(this.#url, { ...init, ...this.#context, timeoutMs: this.#attemptMs(remainingMs) });
      return this.#response(plan, reply, attempt);
    }, retry);
  }

  /** Never blocks: plain fetch, cancelled by the request's signal. */
  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    const { plan, init, retry } = this.#request(request);
    return kit.withRetry(async ({ attempt, signal, remainingMs }) => {
      const timeoutMs = this.#attemptMs(remainingMs);
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        const res = await fetch(this.#url, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        const reply = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
        return this.#response(plan, reply, attempt);
      } catch (err) {
        throw this.#failure(err, timeout, timeoutMs);
      }
    }, retry);
  }

  /** Text deltas, tool-call events, partial objects, then one finish: the toolkit's OpenAI stream over this transport. */
  streamAsync(request: ChatRequest): AsyncIterable<StreamEvent> {
    const { plan, retry } = this.#request(request);
    return kit.streamOpenAIChat({
      ...plan,
      request,
      provider: this.name,
      maxRetries: retry.maxRetries,
      timeoutMs: request.timeoutMs ?? this.#options.timeoutMs ?? 60_000, // for a stream: the whole stream
      secrets: this.#context.secrets,
      computeCost,
      open: async (body, signal) => {
        const res = await fetch(this.#url, { ...this.#init(body, true), signal });
        const headers = Object.fromEntries(res.headers);
        if (!res.ok || !res.body) throw kit.mapHttpError({ status: res.status, headers, body: await res.text() }, this.#context);
        return { chunks: chunksOf(res.body), requestId: headers["x-request-id"] };
      },
    });
  }

  async close(): Promise<void> {
    await this.#bridge.close();
  }

  #request(request: ChatRequest) {
    const plan = kit.buildOpenAIChatBody(request, { jsonSchema: true });
    const { maxRetries = 2 } = this.#options;
    const retry = { maxRetries, timeoutMs: request.timeoutMs, signal: request.signal, provider: this.name };
    return { plan, retry, init: this.#init(plan.body, false) };
  }

  #init(body: object, stream: boolean) {
    const auth: Record<string, string> = this.#options.apiKey ? { authorization: `Bearer ${this.#options.apiKey}` } : {};
    const headers = { "content-type": "application/json", accept: stream ? "text/event-stream" : "application/json", ...auth };
    return { method: "POST", headers, body: JSON.stringify(body) };
  }

  /** A body that is not JSON stays text, which the toolkit reports as InvalidResponseError. */
  #response(plan: Plan, reply: kit.HttpReply, attempts: number) {
    if (reply.status < 200 || reply.status >= 300) throw kit.mapHttpError(reply, this.#context);
    const data = kit.parseJsonFromText(reply.body) ?? reply.body;
    const requestId = (reply.headers as Record<string, string>)["x-request-id"];
    return kit.parseOpenAIChatCompletion(data, { provider: this.name, plan, requestId, attempts, computeCost });
  }

  #attemptMs(remainingMs: number | undefined): number {
    return Math.max(1, Math.min(this.#options.timeoutMs ?? 60_000, remainingMs ?? Infinity));
  }

  /** An attempt's own timeout is a TimeoutError; anything else (the caller's abort included) the toolkit maps. */
  #failure(err: unknown, timeout: AbortSignal, timeoutMs: number) {
    if (!timeout.aborted) return kit.mapProviderError(err, this.#context);
    const message = `${this.name}: no answer within ${timeoutMs} ms. Raise timeoutMs if the endpoint is slow.`;
    return new TimeoutError(message, { provider: this.name, timeoutMs });
  }
}

/** The chunks of an OpenAI-style event stream, up to `[DONE]`. A chunk that is not JSON throws (InvalidResponseError). */
async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<kit.OpenAIChatChunk> {
  for await (const { data } of kit.readServerSentEvents(body)) {
    if (data === "[DONE]") return;
    yield JSON.parse(data) as kit.OpenAIChatChunk;
  }
}
