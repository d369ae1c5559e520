// AnthropicProvider: the Messages API through @anthropic-ai/sdk. Same shape as OpenAIProvider:
// a blocking `chat` through the shared sync bridge, `chatAsync`/`streamAsync` on one keep-alive
// async client, the shared retry authority (the SDK's own retries off) and error mapping.
import Anthropic from "@anthropic-ai/sdk";
import {
  ConfigurationError,
  ProviderError,
  type ChatRequest,
  type ChatResponse,
  type LLMProvider,
  type ProviderOptions,
  type StreamEvent,
  type Usage,
} from "@kaizen/contracts";
import {
  buildAnthropicParams,
  toChatResponse,
  type AnthropicMessageLike,
  type AnthropicRequestPlan,
} from "./anthropic-request.js";
import { mapProviderError, requestIdFrom } from "./errors-map.js";
import { ConcurrencyLimiter } from "./limiter.js";
import { createNodeFetch } from "./node-fetch.js";
import type { HttpClientKind } from "./openai-provider.js";
import { computeCost, type PriceTable } from "./prices.js";
import { DEFAULT_MAX_RETRIES, withRetry, withRetrySync, type AttemptContext, type RetryInfo } from "./retry.js";
import { streamAnthropicChat } from "./stream-anthropic.js";
import { SyncBridgeError, createSyncBridge, type SyncBridge } from "./sync-bridge.js";

export interface AnthropicProviderOptions {
  /** Defaults to the ANTHROPIC_API_KEY environment variable. */
  apiKey?: string;
  /** E.g. a proxy or the fake server. Default: the SDK's (https://api.anthropic.com). */
  baseUrl?: string;
  /** Enables chatAsync and streamAsync. Default false (the seed's default): chat() works either way. */
  useAsync?: boolean;
  /** Per-call time budget in ms (retries included; for a stream, until its end) when the request has none. Default 60 000. */
  timeoutMs?: number;
  /** Retries of retryable failures (429, 5xx, connection). Default 2. */
  maxRetries?: number;
  defaultHeaders?: Record<string, string>;
  /** Most requests in flight at once on this instance; more wait in line. Default: no limit. */
  concurrency?: number;
  /** Your prices (USD per 1M tokens), searched before the defaults. */
  prices?: PriceTable;
  /** The API requires max_tokens: used when the request's generationConfig has none. Default 4096. */
  maxTokensDefault?: number;
  /**
   * Mark the forced output tool `strict`, so the API constrains decoding to the (lowered)
   * schema. Default true; turn off for models or gateways without strict tool use.
   */
  strictTools?: boolean;
  /**
   * The Claude model family to apply the per-model parameter rules for, when the model id does
   * not say it (a gateway or proxy deployment name), e.g. "claude-opus-4-7".
   */
  modelFamily?: string;
  /**
   * A parameter the model rejects (temperature on Claude Opus 4.7+, temperature with topP on
   * Sonnet 4.5/4.6 and Opus 4.5) throws a ConfigurationError instead of being dropped with a
   * one-time warning. Default false.
   */
  strictModelRules?: boolean;
  /** Where the one-time warnings go. Default `console.warn`. */
  onWarning?: (message: string) => void;
  /** Name in errors and logs. Default "anthropic". */
  name?: string;
  /** Called before each retry wait. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * The SDK client's HTTP stack. Default "node": a lean fetch on node:http/node:https with one
   * keep-alive Agent per provider (less CPU per call); "fetch" keeps Node's global fetch.
   */
  httpClient?: HttpClientKind;
}

const DEFAULT_MAX_TOKENS = 4096;
const DEFAULT_TIMEOUT_MS = 60_000;

export class AnthropicProvider implements LLMProvider {
  readonly name: string;
  readonly useAsync: boolean;
  readonly #apiKey: string;
  readonly #options: AnthropicProviderOptions;
  readonly #limiter: ConcurrencyLimiter | undefined;
  readonly #warned = new Set<string>();
  #warnOnce = (message: string): void => {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    (this.#options.onWarning ?? console.warn)(message);
  };
  #client: Anthropic | undefined;
  #nodeFetch: ReturnType<typeof createNodeFetch> | undefined;
  #bridge: SyncBridge | undefined;
  #closed = false;

  constructor(options: AnthropicProviderOptions = {}) {
    this.name = options.name ?? "anthropic";
    const apiKey = options.apiKey ?? process.env["ANTHROPIC_API_KEY"];
    if (apiKey === undefined || apiKey.trim() === "") {
      throw new ConfigurationError(
        `${this.name}: no API key. Fix: set the ANTHROPIC_API_KEY environment variable, or pass apiKey in BaseAgentConfig (or in the provider's options).`,
        { field: "apiKey" },
      );
    }
    const checks: Array<[field: keyof AnthropicProviderOptions, value: unknown, ok: boolean, what: string]> = [
      [
        "concurrency",
        options.concurrency,
        Number.isInteger(options.concurrency) && (options.concurrency ?? 0) > 0,
        "a positive integer",
      ],
      [
        "maxTokensDefault",
        options.maxTokensDefault,
        Number.isInteger(options.maxTokensDefault) && (options.maxTokensDefault ?? 0) > 0,
        "a positive integer",
      ],
      [
        "maxRetries",
        options.maxRetries,
        Number.isInteger(options.maxRetries) && (options.maxRetries ?? -1) >= 0,
        "an integer >= 0",
      ],
      [
        "timeoutMs",
        options.timeoutMs,
        Number.isFinite(options.timeoutMs) && (options.timeoutMs ?? 0) > 0,
        "a positive number of ms",
      ],
    ];
    if (options.httpClient !== undefined && options.httpClient !== "node" && options.httpClient !== "fetch") {
      throw new ConfigurationError(`${this.name}: httpClient must be "node" or "fetch", got ${String(options.httpClient)}.`, {
        field: "httpClient",
      });
    }
    for (const [field, value, ok, what] of checks) {
      if (value !== undefined && !ok) {
        throw new ConfigurationError(`${this.name}: ${field} must be ${what}, got ${String(value)}.`, { field });
      }
    }
    this.#apiKey = apiKey;
    this.#options = options;
    this.useAsync = options.useAsync ?? false;
    this.#limiter = options.concurrency === undefined ? undefined : new ConcurrencyLimiter(options.concurrency);
  }

  /** Plain options for the SDK client: the same for the async client and the bridge's worker. */
  #clientOptions(): Record<string, unknown> {
    return {
      apiKey: this.#apiKey,
      ...(this.#options.baseUrl === undefined ? {} : { baseURL: this.#options.baseUrl }),
      ...(this.#options.defaultHeaders === undefined ? {} : { defaultHeaders: this.#options.defaultHeaders }),
      maxRetries: 0,
    };
  }

  #asyncClient(): Anthropic {
    this.#assertOpen();
    if (!this.#client) {
      if ((this.#options.httpClient ?? "node") === "node") this.#nodeFetch ??= createNodeFetch();
      const options = { ...this.#clientOptions(), ...(this.#nodeFetch ? { fetch: this.#nodeFetch.fetch } : {}) };
      this.#client = new Anthropic(options as ConstructorParameters<typeof Anthropic>[0]);
    }
    return this.#client;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new ProviderError(`${this.name}: the provider was closed; create a new one to make more calls.`, {
        provider: this.name,
        retryable: false,
      });
    }
  }

  #requireAsync(method: string): Anthropic {
    if (!this.useAsync) {
      throw new ConfigurationError(
        `AnthropicProvider was created with useAsync: false, so ${method}() is not available. Set useAsync: true: new AnthropicProvider({ useAsync: true }). (chat() works without it.)`,
        { field: "useAsync" },
      );
    }
    return this.#asyncClient();
  }

  #plan(request: ChatRequest): AnthropicRequestPlan {
    return buildAnthropicParams(request, {
      maxTokensDefault: this.#options.maxTokensDefault ?? DEFAULT_MAX_TOKENS,
      strictTools: this.#options.strictTools ?? true,
      rules: {
        ...(this.#options.modelFamily === undefined ? {} : { modelFamily: this.#options.modelFamily }),
        strict: this.#options.strictModelRules ?? false,
        warn: this.#warnOnce,
      },
    });
  }

  #timeoutMs(request: ChatRequest): number {
    return request.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  #costOf = (model: string, usage: Usage): number | undefined => computeCost(model, usage, this.#options.prices);

  #mapError(error: unknown, timeoutMs?: number) {
    return mapProviderError(error, {
      provider: this.name,
      secrets: [this.#apiKey],
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  }

  #retryOptions(request: ChatRequest) {
    return {
      provider: this.name,
      maxRetries: this.#options.maxRetries ?? DEFAULT_MAX_RETRIES,
      timeoutMs: this.#timeoutMs(request),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(this.#options.onRetry === undefined ? {} : { onRetry: this.#options.onRetry }),
    };
  }

  /** Blocks the calling thread until the answer is back (a worker thread does the HTTP call). */
  chat(request: ChatRequest): ChatResponse {
    this.#assertOpen();
    const plan = this.#plan(request);
    this.#bridge ??= createSyncBridge();
    const bridge = this.#bridge;
    let attempts = 0;
    return withRetrySync((ctx) => {
      attempts = ctx.attempt;
      try {
        const { data, headers } = bridge.call<AnthropicMessageLike>(
          "anthropic",
          { ...this.#clientOptions(), kaizenHttpClient: this.#options.httpClient ?? "node" },
          "messages.create",
          plan.params,
          {
            provider: this.name,
            ...(ctx.remainingMs === undefined ? {} : { timeoutMs: ctx.remainingMs }),
          },
        );
        return toChatResponse(data, plan, { attempts, requestId: requestIdFrom(headers), costOf: this.#costOf });
      } catch (error) {
        throw this.#mapError(error instanceof SyncBridgeError ? error.serialized : error, ctx.remainingMs);
      }
    }, this.#retryOptions(request));
  }

  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    const client = this.#requireAsync("chatAsync");
    const plan = this.#plan(request);
    const attempt = async (ctx: AttemptContext): Promise<ChatResponse> => {
      try {
        const { data, response } = await client.messages
          .create(plan.params as Anthropic.MessageCreateParamsNonStreaming, {
            maxRetries: 0,
            ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
            ...(ctx.remainingMs === undefined ? {} : { timeout: ctx.remainingMs }),
          })
          .withResponse();
        return toChatResponse(data as AnthropicMessageLike, plan, {
          attempts: ctx.attempt,
          requestId: requestIdFrom(response.headers),
          costOf: this.#costOf,
        });
      } catch (error) {
        throw this.#mapError(error, ctx.remainingMs);
      }
    };
    // The slot is held per attempt, not across a backoff wait.
    const limiter = this.#limiter;
    return withRetry(
      (ctx) => (limiter ? limiter.run(() => attempt(ctx), ctx.signal) : attempt(ctx)),
      this.#retryOptions(request),
    );
  }

  /**
   * Streams the answer: text deltas, partial objects when an output schema is asked (from the
   * forced tool's input_json_delta events), then one finish event with the full response.
   */
  streamAsync(request: ChatRequest): AsyncIterable<StreamEvent> {
    // Checked on first iteration, so a misconfigured provider fails where the stream is consumed.
    const stream = () =>
      streamAnthropicChat({
        provider: this.name,
        client: this.#requireAsync("streamAsync"),
        plan: this.#plan(request),
        request,
        maxRetries: this.#options.maxRetries ?? DEFAULT_MAX_RETRIES,
        timeoutMs: this.#timeoutMs(request),
        onRetry: this.#options.onRetry,
        secrets: [this.#apiKey],
        costOf: this.#costOf,
      });
    const limiter = this.#limiter;
    if (limiter) return limitedStream(limiter, stream, request.signal);
    return { [Symbol.asyncIterator]: () => stream()[Symbol.asyncIterator]() };
  }

  /** Closes the sync bridge's worker. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const bridge = this.#bridge;
    this.#bridge = undefined;
    this.#client = undefined;
    this.#nodeFetch?.close();
    this.#nodeFetch = undefined;
    if (bridge) await bridge.close();
  }
}

/** Holds a concurrency slot for the whole life of a stream, not only its opening. */
async function* limitedStream(
  limiter: ConcurrencyLimiter,
  open: () => AsyncIterable<StreamEvent>,
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamEvent, void, undefined> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let granted!: () => void;
  const slot = new Promise<void>((resolve) => {
    granted = resolve;
  });
  const running = limiter.run(async () => {
    granted();
    await held;
  }, signal);
  await Promise.race([slot, running]);
  try {
    yield* open();
  } finally {
    release();
    await running.catch(() => undefined);
  }
}

/** Registry factory: `createProvider("anthropic", options)`. */
export function createAnthropicProvider(options: ProviderOptions = {}): AnthropicProvider {
  return new AnthropicProvider(options as AnthropicProviderOptions);
}
