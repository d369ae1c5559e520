// A provider written in the app's own code: it speaks the OpenAI chat-completions wire format
// over plain fetch, so it works with any compatible endpoint (Ollama, vLLM, LM Studio, a proxy).
// It implements the LLMProvider contract from @kaizen/provider and borrows the retry authority
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
  type ChatRequest,
  type ChatResponse,
  type FinishReason,
  type KaizenError,
  type LLMProvider,
  type StructuredOutputMode,
} from "@kaizen/provider";
import { computeCost, parseRetryAfterMs, withRetry, withRetrySync } from "@kaizen/providers";
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
          reply = this.#sync.fetch(this.#url, { method: "POST", headers: this.#headers(), body, timeoutMs: this.#attemptTimeout(remainingMs) });
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
          if (timeout.aborted || signal?.aborted) throw this.#networkError(new SyncFetchError("TimeoutError", "timed out", undefined));
          throw this.#networkError(err);
        }
        return this.#toResponse(request, reply, attempt);
      },
      { maxRetries: this.#maxRetries, timeoutMs: request.timeoutMs, signal: request.signal, provider: this.name },
    );
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
    const messages = [...request.messages];
    if (request.output && mode !== "json_schema") {
      // Without a schema-enforcing API, the schema travels in the instructions.
      messages.unshift({ role: "system", content: `Reply with one JSON object matching this JSON Schema:\n${JSON.stringify(request.output.schema)}` });
    }
    return {
      model: request.model,
      messages,
      ...(g.temperature !== undefined ? { temperature: g.temperature } : {}),
      ...(g.maxTokens !== undefined ? { max_tokens: g.maxTokens } : {}),
      ...(g.topP !== undefined ? { top_p: g.topP } : {}),
      ...(g.stop !== undefined ? { stop: g.stop } : {}),
      ...(g.seed !== undefined ? { seed: g.seed } : {}),
      ...(mode === "json_schema" && request.output
        ? { response_format: { type: "json_schema", json_schema: { name: request.output.name, schema: request.output.schema, strict: false } } }
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
      choices?: Array<{ message?: { content?: string | null }; finish_reason?: string }>;
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
    const content = choice?.message?.content;
    if (typeof content !== "string") {
      throw new InvalidResponseError(`${this.name}: the answer has no choices[0].message.content.`, { provider: this.name, requestId });
    }
    const usage = {
      inputTokens: data.usage?.prompt_tokens ?? 0,
      outputTokens: data.usage?.completion_tokens ?? 0,
      totalTokens: data.usage?.total_tokens ?? (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0),
    };
    const model = data.model ?? request.model;
    const costUsd = computeCost(model, usage);
    return {
      content,
      ...(request.output ? { parsed: tryParse(content) } : {}),
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
      return new AuthenticationError(`${this.name}: authentication failed (HTTP ${reply.status}): ${detail}. Check apiKey.`, base);
    }
    if (reply.status === 429) {
      const retryAfterMs = parseRetryAfterMs(reply.headers);
      return new RateLimitError(`${this.name}: rate limited (HTTP 429): ${detail}`, { ...base, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
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
    return new ProviderError(`${this.name}: could not reach ${this.#url}${code ? ` (${code})` : ""}: ${e?.message ?? String(err)}`, {
      provider: this.name,
      retryable: true,
      code: "connection_error",
    });
  }
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
