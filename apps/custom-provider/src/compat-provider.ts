// A provider written in the app's own code: it speaks the OpenAI chat-completions wire format
// over plain fetch, so it works with any compatible endpoint (Ollama, vLLM, LM Studio, a proxy).
// It implements the LLMProvider contract from @kaizen/contracts and borrows the retry authority
// and price table from @kaizen/providers; the rest is its own.
import {
  AbortError,
  AuthenticationError,
  ConfigurationError,
  InvalidResponseError,
  ProviderError,
  RateLimitError,
  TimeoutError,
  redactSecrets,
  type ChatMessage,
  type ChatRequest,
  type ChatResponse,
  type FinishReason,
  type KaizenError,
  type LLMProvider,
  type StreamEvent,
  type StructuredOutputMode,
  type ToolCall,
  type Usage,
} from "@kaizen/contracts";
import { computeCost, parsePartialJson, parseRetryAfterMs, withRetry, withRetrySync } from "@kaizen/providers";
import { SyncFetchError, SyncFetcher } from "./sync-fetch.js";

export interface CompatHttpProviderOptions {
  /** The API root, e.g. "http://localhost:11434/v1" (Ollama). `/chat/completions` is appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer ...` when set. */
  apiKey?: string;
  /** Shown in errors and logs. Default "my-compat". */
  name?: string;
  /** Per-attempt timeout. Default 60 s. */
  timeoutMs?: number;
  /** Retries of retryable failures (429, 5xx, network). Default 2. */
  maxRetries?: number;
}

interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class CompatHttpProvider implements LLMProvider {
  readonly name: string;
  readonly #url: string;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #sync = new SyncFetcher();

  constructor(options: CompatHttpProviderOptions) {
    if (!options?.baseUrl) {
      throw new ConfigurationError(
        'CompatHttpProvider needs baseUrl, e.g. new BaseAgentConfig({ llmProvider: "my-compat", baseUrl: "http://localhost:11434/v1", model: "llama3.2" }).',
        { field: "baseUrl" },
      );
    }
    this.name = options.name ?? "my-compat";
    this.#url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#maxRetries = options.maxRetries ?? 2;
  }

  /** Synchronous: blocks the calling thread (for agent.run()) through the worker-thread fetch. */
  chat(request: ChatRequest): ChatResponse {
    const body = JSON.stringify(this.#body(request));
    return withRetrySync(
      ({ attempt, remainingMs }) => {
        let reply: HttpReply;
        try {
          reply = this.#sync.fetch(this.#url, {
            method: "POST",
            headers: this.#headers(),
            body,
            timeoutMs: this.#attemptTimeout(remainingMs),
          });
        } catch (err) {
          throw this.#networkError(err);
        }
        return this.#toResponse(request, reply, attempt);
      },
      { maxRetries: this.#maxRetries, timeoutMs: request.timeoutMs, provider: this.name },
    );
  }

  /** Never blocks: plain fetch, cancelled by the request's signal. */
  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    const body = JSON.stringify(this.#body(request));
    return withRetry(
      async ({ attempt, signal, remainingMs }) => {
        const timeout = AbortSignal.timeout(this.#attemptTimeout(remainingMs));
        let reply: HttpReply;
        try {
          const res = await fetch(this.#url, {
            method: "POST",
            headers: this.#headers(),
            body,
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
          reply = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
        } catch (err) {
          if (request.signal?.aborted) throw new AbortError("The request was aborted.");
          // This attempt's timeout, or the call's whole budget (the retry authority's signal).
          if (timeout.aborted || signal?.aborted)
            throw this.#networkError(new SyncFetchError("TimeoutError", "timed out", undefined));
          throw this.#networkError(err);
        }
        return this.#toResponse(request, reply, attempt);
      },
      { maxRetries: this.#maxRetries, timeoutMs: request.timeoutMs, signal: request.signal, provider: this.name },
    );
  }

  /**
   * Streams the answer as server-sent events: text deltas, partial objects (with an output
   * schema), then one finish. A stream cut before `[DONE]` fails; leaving the loop early cancels
   * the HTTP request. (No retries here: part of the answer may already have been used.)
   */
  async *streamAsync(request: ChatRequest): AsyncGenerator<StreamEvent> {
    if (request.signal?.aborted) throw new AbortError("The request was aborted.");
    const timeoutMs = request.timeoutMs ?? this.#timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const fail = (err: unknown): KaizenError =>
      request.signal?.aborted
        ? new AbortError("The request was aborted.")
        : this.#networkError(timeout.aborted ? new SyncFetchError("TimeoutError", "timed out", undefined) : err);
    let res: Response;
    try {
      res = await fetch(this.#url, {
        method: "POST",
        headers: { ...this.#headers(), accept: "text/event-stream" },
        body: JSON.stringify({ ...this.#body(request), stream: true, stream_options: { include_usage: true } }),
        signal,
      });
    } catch (err) {
      throw fail(err);
    }
    const headers = Object.fromEntries(res.headers);
    const requestId = headers["x-request-id"] ?? headers["request-id"];
    if (!res.ok || !res.body) throw this.#httpError({ status: res.status, headers, body: await res.text() }, requestId);

    let content = "";
    let model = request.model;
    let reason: string | undefined;
    let usage: Usage | undefined;
    let done = false;
    let lastPartial = "";
    let buffer = "";
    const calls: ToolCall[] = [];
    const decoder = new TextDecoder();
    try {
      for await (const bytes of res.body) {
        buffer += decoder.decode(bytes, { stream: true });
        for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line.startsWith("data:")) continue;
          const data = line.slice(5).trim();
          if (data === "[DONE]") {
            done = true;
            continue;
          }
          const chunk = JSON.parse(data) as {
            model?: string;
            choices?: Array<{ delta?: { content?: string | null; tool_calls?: WireCall[] }; finish_reason?: string | null }>;
            usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
          };
          model = chunk.model ?? model;
          if (chunk.usage) usage = toUsage(chunk.usage);
          const choice = chunk.choices?.[0];
          if (choice?.finish_reason) reason = choice.finish_reason;
          // Tool calls arrive as indexed pieces: the first names the call, the rest add arguments.
          for (const piece of choice?.delta?.tool_calls ?? []) {
            const index = piece.index ?? 0;
            let call = calls[index];
            if (call === undefined) {
              call = { id: piece.id ?? `call_${index}`, name: piece.function?.name ?? "", arguments: "" };
              calls[index] = call;
              yield { type: "tool-call-start", index, id: call.id, name: call.name };
            }
            const args = piece.function?.arguments ?? "";
            call.arguments += args;
            if (args) yield { type: "tool-call-delta", index, id: call.id, delta: args };
          }
          const delta = choice?.delta?.content;
          if (!delta) continue;
          content += delta;
          yield { type: "text-delta", delta };
          if (request.output) {
            const partial = parsePartialJson(content);
            const key = JSON.stringify(partial);
            if (partial !== undefined && key !== lastPartial) {
              lastPartial = key;
              yield { type: "partial-object", object: partial };
            }
          }
        }
      }
    } catch (err) {
      if (err instanceof SyntaxError) {
        throw new InvalidResponseError(`${this.name}: a streamed chunk is not JSON.`, { provider: this.name, requestId });
      }
      throw fail(err);
    }
    if (!done) {
      throw new InvalidResponseError(`${this.name}: the stream ended before [DONE]; the answer is incomplete.`, {
        provider: this.name,
        requestId,
        retryable: true,
      });
    }
    const finalUsage = usage ?? { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    const costUsd = computeCost(model, finalUsage);
    yield {
      type: "finish",
      response: {
        content,
        ...(request.output && calls.length === 0 ? { parsed: tryParse(content) } : {}),
        ...(calls.length > 0 ? { toolCalls: calls } : {}),
        model,
        finishReason: finishReason(reason),
        usage: finalUsage,
        ...(costUsd !== undefined ? { costUsd } : {}),
        structuredOutput: this.#mode(request),
        ...(requestId ? { requestId } : {}),
        attempts: 1,
      },
    };
  }

  async close(): Promise<void> {
    await this.#sync.close();
  }

  #attemptTimeout(remainingMs: number | undefined): number {
    return Math.max(1, Math.min(this.#timeoutMs, remainingMs ?? this.#timeoutMs));
  }

  #headers(): Record<string, string> {
    return {
      "content-type": "application/json",
      accept: "application/json",
      ...(this.#apiKey ? { authorization: `Bearer ${this.#apiKey}` } : {}),
    };
  }

  #mode(request: ChatRequest): StructuredOutputMode | "none" {
    if (!request.output) return "none";
    const asked = request.output.mode;
    // No tool calling here: a request for "tool" gets the JSON schema way, which says the same.
    return asked === "json_object" || asked === "prompt" ? asked : "json_schema";
  }

  #body(request: ChatRequest): Record<string, unknown> {
    const g = request.generationConfig ?? {};
    const mode = this.#mode(request);
    const messages = request.messages.map(wireMessage);
    if (request.output && mode !== "json_schema") {
      // Without a schema-enforcing API, the schema travels in the instructions.
      messages.unshift({
        role: "system",
        content: `Reply with one JSON object matching this JSON Schema:\n${JSON.stringify(request.output.schema)}`,
      });
    }
    return {
      model: request.model,
      messages,
      ...(g.temperature !== undefined ? { temperature: g.temperature } : {}),
      ...(g.maxTokens !== undefined ? { max_tokens: g.maxTokens } : {}),
      ...(g.topP !== undefined ? { top_p: g.topP } : {}),
      ...(g.stop !== undefined ? { stop: g.stop } : {}),
      ...(g.seed !== undefined ? { seed: g.seed } : {}),
      ...(request.tools?.length
        ? {
            tools: request.tools.map((t) => ({
              type: "function",
              function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.parameters },
            })),
          }
        : {}),
      ...(mode === "json_schema" && request.output
        ? {
            response_format: {
              type: "json_schema",
              json_schema: { name: request.output.name, schema: request.output.schema, strict: false },
            },
          }
        : mode === "json_object"
          ? { response_format: { type: "json_object" } }
          : {}),
    };
  }

  #toResponse(request: ChatRequest, reply: HttpReply, attempts: number): ChatResponse {
    const requestId = reply.headers["x-request-id"] ?? reply.headers["request-id"];
    if (reply.status < 200 || reply.status >= 300) throw this.#httpError(reply, requestId);
    let data: {
      model?: string;
      choices?: Array<{ message?: { content?: string | null; tool_calls?: WireCall[] }; finish_reason?: string }>;
      usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
    };
    try {
      data = JSON.parse(reply.body) as typeof data;
    } catch {
      throw new InvalidResponseError(`${this.name}: the API answered HTTP ${reply.status} with a body that is not JSON.`, {
        provider: this.name,
        status: reply.status,
        requestId,
      });
    }
    const choice = data.choices?.[0];
    const toolCalls = (choice?.message?.tool_calls ?? []).map((c, i): ToolCall => ({
      id: c.id ?? `call_${i}`,
      name: c.function?.name ?? "",
      arguments: c.function?.arguments ?? "",
    }));
    // A reply that calls tools may have no text at all.
    const content = choice?.message?.content ?? (toolCalls.length > 0 ? "" : undefined);
    if (typeof content !== "string") {
      throw new InvalidResponseError(`${this.name}: the answer has no choices[0].message.content.`, {
        provider: this.name,
        requestId,
      });
    }
    const usage = toUsage(data.usage ?? {});
    const model = data.model ?? request.model;
    const costUsd = computeCost(model, usage);
    return {
      content,
      ...(request.output && toolCalls.length === 0 ? { parsed: tryParse(content) } : {}),
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
      model,
      finishReason: finishReason(choice?.finish_reason),
      usage,
      ...(costUsd !== undefined ? { costUsd } : {}),
      structuredOutput: this.#mode(request),
      ...(requestId ? { requestId } : {}),
      attempts,
    };
  }

  #httpError(reply: HttpReply, requestId: string | undefined): KaizenError {
    const detail = redactSecrets(apiMessage(reply.body), this.#apiKey ? [this.#apiKey] : []);
    const base = { provider: this.name, status: reply.status, ...(requestId ? { requestId } : {}) };
    if (reply.status === 401 || reply.status === 403) {
      return new AuthenticationError(
        `${this.name}: authentication failed (HTTP ${reply.status}): ${detail}. Check apiKey.`,
        base,
      );
    }
    if (reply.status === 429) {
      const retryAfterMs = parseRetryAfterMs(reply.headers);
      return new RateLimitError(`${this.name}: rate limited (HTTP 429): ${detail}`, {
        ...base,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    const retryable = reply.status === 408 || reply.status === 409 || reply.status >= 500;
    return new ProviderError(`${this.name}: the API answered HTTP ${reply.status}: ${detail}`, { ...base, retryable });
  }

  #networkError(err: unknown): KaizenError {
    const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string } };
    if (e?.name === "TimeoutError") {
      return new TimeoutError(`${this.name}: no answer within ${this.#timeoutMs} ms. Raise timeoutMs if the endpoint is slow.`, {
        provider: this.name,
        timeoutMs: this.#timeoutMs,
      });
    }
    const code = e?.code ?? e?.cause?.code;
    return new ProviderError(
      `${this.name}: could not reach ${this.#url}${code ? ` (${code})` : ""}: ${e?.message ?? String(err)}`,
      {
        provider: this.name,
        retryable: true,
        code: "connection_error",
      },
    );
  }
}

interface WireCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

/** A ChatMessage on the chat-completions wire: tool calls and tool results have their own shapes there. */
function wireMessage(message: ChatMessage): Record<string, unknown> {
  if (message.role === "tool") return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  if (message.role === "assistant" && message.toolCalls?.length) {
    return {
      role: "assistant",
      content: message.content || null,
      tool_calls: message.toolCalls.map((c) => ({
        id: c.id,
        type: "function",
        function: { name: c.name, arguments: c.arguments },
      })),
    };
  }
  return { role: message.role, content: message.content };
}

function toUsage(u: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number }): Usage {
  const inputTokens = u.prompt_tokens ?? 0;
  const outputTokens = u.completion_tokens ?? 0;
  return { inputTokens, outputTokens, totalTokens: u.total_tokens ?? inputTokens + outputTokens };
}

function finishReason(reason: string | undefined): FinishReason {
  if (reason === "stop" || reason === "length" || reason === "tool_calls" || reason === "content_filter") return reason;
  return reason === undefined ? "stop" : "other";
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The error text an OpenAI-style API puts in its body, or the start of the body. */
function apiMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string };
    const message = typeof parsed.error === "string" ? parsed.error : parsed.error?.message;
    if (typeof message === "string") return message;
  } catch {
    // not JSON: fall through
  }
  return body.slice(0, 200) || "(empty body)";
}
