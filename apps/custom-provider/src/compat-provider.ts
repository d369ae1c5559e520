// A provider in the app's own code for any OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, a proxy): the transport is
// here; retries, error mapping, the blocking bridge behind chat(), SSE, partial JSON and the wire translation are the toolkit's.
import { ConfigurationError, InvalidResponseError, TimeoutError } from "@kaizen/contracts";
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
type Call = { id: string; type: "function"; function: { name: string; arguments: string } };
type Chunk = { model?: string; usage?: unknown; choices?: Array<{ delta?: Delta; finish_reason?: string | null }> };
type Piece = { index?: number; id?: string; function?: Partial<Call["function"]> };
type Delta = { content?: string | null; tool_calls?: Piece[] };

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
    const { plan, init, retry } = this.#request(request, false);
    return kit.withRetrySync(({ attempt, remainingMs }) => {
      const reply = this.#bridge.fetch(this.#url, { ...init, ...this.#context, timeoutMs: this.#attemptMs(remainingMs) });
      return this.#response(plan, reply, attempt);
    }, retry);
  }

  /** Never blocks: plain fetch, cancelled by the request's signal. */
  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    const { plan, init, retry } = this.#request(request, false);
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

  /** Text deltas, tool-call pieces and partial objects as they arrive, then one finish. No retries: part of it was used. */
  async *streamAsync(request: ChatRequest): AsyncGenerator<StreamEvent> {
    const { plan, init } = this.#request(request, true);
    const timeoutMs = request.timeoutMs ?? this.#options.timeoutMs ?? 60_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    // The answer is gathered as a chat completion, so the toolkit turns it into the same response chatAsync gives.
    const completion = { model: request.model, usage: undefined as unknown, content: "", reason: null as string | null };
    const calls: Call[] = [];
    const parser = plan.parseOutput ? new kit.PartialJsonParser({ skipPreamble: true }) : undefined;
    try {
      const res = await fetch(this.#url, { ...init, signal });
      const headers = Object.fromEntries(res.headers);
      if (!res.ok || !res.body) throw kit.mapHttpError({ status: res.status, headers, body: await res.text() }, this.#context);
      let done = false;
      for await (const { data } of kit.readServerSentEvents(res.body)) {
        if ((done = data === "[DONE]")) break;
        const chunk = JSON.parse(data) as Chunk;
        const { delta, finish_reason } = chunk.choices?.[0] ?? {};
        [completion.model, completion.usage] = [chunk.model ?? completion.model, chunk.usage ?? completion.usage];
        completion.reason = finish_reason ?? completion.reason;
        completion.content += delta?.content ?? "";
        let text = delta?.content ?? ""; // the answer's text: the content, or the output tool's arguments
        // Tool calls arrive as indexed pieces: the first names the call, the rest add arguments.
        for (const { index: i = 0, id, function: fn } of delta?.tool_calls ?? []) {
          const known = calls[i];
          const call = (calls[i] ??= {
            id: id ?? `call_${i}`,
            type: "function",
            function: { name: fn?.name ?? "", arguments: "" },
          });
          const isOutput = call.function.name === plan.outputToolName;
          if (!known && !isOutput) yield { type: "tool-call-start", index: i, id: call.id, name: call.function.name };
          call.function.arguments += fn?.arguments ?? "";
          if (isOutput) text += fn?.arguments ?? "";
          else if (fn?.arguments) yield { type: "tool-call-delta", index: i, id: call.id, delta: fn.arguments };
        }
        if (text) yield { type: "text-delta", delta: text };
        // Linear: the parser reads each new character once and says when the visible object changed.
        const object = text && parser?.push(text) ? parser.value : undefined;
        if (object && typeof object === "object") yield { type: "partial-object", object };
      }
      if (!done) throw new InvalidResponseError(`${this.name}: the stream ended before [DONE].`, this.#context);
      const message = { role: "assistant", content: completion.content, ...(calls.length ? { tool_calls: calls } : {}) };
      const data = { model: completion.model, usage: completion.usage, choices: [{ message, finish_reason: completion.reason }] };
      yield { type: "finish", response: this.#response(plan, { status: 200, headers, body: "" }, 1, data) };
    } catch (err) {
      if (err instanceof SyntaxError) throw new InvalidResponseError(`${this.name}: a chunk is not JSON.`, this.#context);
      throw this.#failure(err, timeout, timeoutMs);
    }
  }

  async close(): Promise<void> {
    await this.#bridge.close();
  }

  #request(request: ChatRequest, stream: boolean) {
    const plan = kit.buildOpenAIChatBody(request, { jsonSchema: true });
    const body = stream ? { ...plan.body, stream, stream_options: { include_usage: true } } : plan.body;
    const auth: Record<string, string> = this.#options.apiKey ? { authorization: `Bearer ${this.#options.apiKey}` } : {};
    const headers = { "content-type": "application/json", accept: stream ? "text/event-stream" : "application/json", ...auth };
    const { maxRetries = 2 } = this.#options;
    const retry = { maxRetries, timeoutMs: request.timeoutMs, signal: request.signal, provider: this.name };
    return { plan, retry, init: { method: "POST", headers, body: JSON.stringify(body) } };
  }

  /** `data` is the parsed body; a body that is not JSON stays text, which the toolkit reports as InvalidResponseError. */
  #response(plan: Plan, reply: kit.HttpReply, attempts: number, data = kit.parseJsonFromText(reply.body) ?? reply.body) {
    if (reply.status < 200 || reply.status >= 300) throw kit.mapHttpError(reply, this.#context);
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
