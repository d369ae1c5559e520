// The half every SDK-backed provider (OpenAI, Anthropic, OpenAI-compatible) shares, held by
// composition so each provider file keeps only its translation: option checks, one limiter for
// calls and streams, retry options, the sync bridge, close/ensure-open and error mapping. The
// async SDK client is built on first use through a dynamic import, so an app that uses one
// vendor never loads the other's SDK (the sync worker loads its own).
import { ConfigurationError, ProviderError, type ChatRequest, type StreamEvent, type Usage } from "@kaizen/contracts";
import { mapProviderError } from "./errors-map.js";
import { ConcurrencyLimiter, holdDuringStream } from "./limiter.js";
import { createNodeFetch } from "./node-fetch.js";
import { computeCost, type PriceTable } from "./prices.js";
import { DEFAULT_MAX_RETRIES, type RetryInfo } from "./retry.js";
import { SyncBridgeError, createSyncBridge, type SyncBridge } from "./sync-bridge.js";

/** Which HTTP stack the SDK clients use: see the `httpClient` provider option. */
export type HttpClientKind = "node" | "fetch";

/** The options every SDK-backed provider reads the same way. */
export interface SdkBaseOptions {
  useAsync?: boolean | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  concurrency?: number | undefined;
  prices?: PriceTable | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  httpClient?: HttpClientKind | undefined;
}

export interface SdkBaseSettings<Client> {
  name: string;
  /** The provider's class name, for messages that show the fix. */
  className: string;
  /** Scrubbed from every error message. */
  secrets: readonly string[];
  options: SdkBaseOptions;
  /** True when the caller brought its own fetch: no node fetch is made then. */
  ownFetch?: boolean;
  /** Builds the async client (importing the SDK); `fetch` is the lean node fetch, if chosen. */
  createClient: (fetch: typeof globalThis.fetch | undefined) => Promise<Client>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Throws a ConfigurationError naming the field when a numeric option is out of range. */
export function checkProviderOptions(name: string, options: SdkBaseOptions, extra: string[] = []): void {
  const values = options as Record<string, unknown>;
  const rules: Array<[field: string, ok: (value: number) => boolean, what: string]> = [
    ["timeoutMs", (v) => Number.isFinite(v) && v > 0, "a positive number of ms"],
    ["maxRetries", (v) => Number.isInteger(v) && v >= 0, "an integer >= 0"],
    ["concurrency", (v) => Number.isInteger(v) && v >= 1, "an integer >= 1"],
    ...extra.map((field): [string, (value: number) => boolean, string] => [
      field,
      (v) => Number.isInteger(v) && v >= 1,
      "an integer >= 1",
    ]),
  ];
  for (const [field, ok, what] of rules) {
    const value = values[field];
    if (value !== undefined && (typeof value !== "number" || !ok(value))) {
      throw new ConfigurationError(`${name}: ${field} must be ${what}, got ${String(value)}.`, { field });
    }
  }
  const http = options.httpClient;
  if (http !== undefined && http !== "node" && http !== "fetch") {
    throw new ConfigurationError(`${name}: httpClient must be "node" or "fetch", got ${String(http)}.`, {
      field: "httpClient",
    });
  }
}

export class SdkProviderBase<Client> {
  readonly name: string;
  readonly useAsync: boolean;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly httpClient: HttpClientKind;
  readonly secrets: readonly string[];
  readonly #settings: SdkBaseSettings<Client>;
  readonly #limiter: ConcurrencyLimiter | undefined;
  #client: Promise<Client> | undefined;
  #nodeFetch: ReturnType<typeof createNodeFetch> | undefined;
  #bridge: SyncBridge | undefined;
  #closed = false;

  constructor(settings: SdkBaseSettings<Client>) {
    const { options } = settings;
    checkProviderOptions(settings.name, options);
    this.#settings = settings;
    this.name = settings.name;
    this.secrets = settings.secrets;
    this.useAsync = options.useAsync ?? false;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.httpClient = options.httpClient ?? "node";
    this.#limiter = options.concurrency === undefined ? undefined : new ConcurrencyLimiter(options.concurrency);
  }

  /** Most calls in flight at once, when limited. */
  get concurrency(): number | undefined {
    return this.#limiter?.limit;
  }

  readonly costOf = (model: string, usage: Usage): number | undefined => computeCost(model, usage, this.#settings.options.prices);

  ensureOpen(): void {
    if (this.#closed) {
      throw new ProviderError(`${this.name}: the provider was closed; create a new one to make more calls.`, {
        provider: this.name,
        retryable: false,
      });
    }
  }

  /** The async client, built once on first use (keep-alive sockets); `method` names the caller in errors. */
  asyncClient(method: string): Promise<Client> {
    this.ensureOpen();
    const { className } = this.#settings;
    if (!this.useAsync) {
      throw new ConfigurationError(
        `${className} was created with useAsync: false, so ${method}() is not available: set useAsync: true, e.g. new ${className}({ useAsync: true }). (The blocking methods work without it.)`,
        { field: "useAsync" },
      );
    }
    if (!this.#client) {
      if (this.httpClient === "node" && this.#settings.ownFetch !== true) this.#nodeFetch ??= createNodeFetch();
      this.#client = this.#settings.createClient(this.#nodeFetch?.fetch as typeof globalThis.fetch | undefined);
    }
    return this.#client;
  }

  /** The lean node fetch under the async client, once that client is made with it. */
  nodeFetch(): ReturnType<typeof createNodeFetch> | undefined {
    return this.#nodeFetch;
  }

  syncBridge(): SyncBridge {
    this.ensureOpen();
    this.#bridge ??= createSyncBridge();
    return this.#bridge;
  }

  mapError(error: unknown, timeoutMs?: number): unknown {
    return mapProviderError(error instanceof SyncBridgeError ? error.serialized : error, {
      provider: this.name,
      secrets: this.secrets,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  }

  retryOptions(request: Pick<ChatRequest, "signal" | "timeoutMs">) {
    const onRetry = this.#settings.options.onRetry;
    return {
      provider: this.name,
      maxRetries: this.maxRetries,
      timeoutMs: request.timeoutMs ?? this.timeoutMs,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(onRetry === undefined ? {} : { onRetry }),
    };
  }

  /** Streams the provider's retry settings need, beside its driver's own options. */
  streamOptions(request: ChatRequest) {
    return {
      provider: this.name,
      request,
      maxRetries: this.maxRetries,
      timeoutMs: request.timeoutMs ?? this.timeoutMs,
      onRetry: this.#settings.options.onRetry,
      secrets: this.secrets,
    };
  }

  /**
   * Runs one attempt in a limiter slot: the slot is held per attempt, not across a backoff wait.
   * Given the attempt's context, its (lazily made) signal is read only when there is a limiter.
   */
  limited<T>(fn: () => Promise<T>, signal: AbortSignal | undefined | { readonly signal: AbortSignal | undefined }): Promise<T> {
    if (!this.#limiter) return fn();
    return this.#limiter.run(fn, signal instanceof AbortSignal || signal === undefined ? signal : signal.signal);
  }

  /**
   * A stream that holds a limiter slot for its whole life. `open` runs on first iteration, so a
   * misconfigured provider fails where the stream is consumed.
   */
  stream(signal: AbortSignal | undefined, open: () => Promise<AsyncIterable<StreamEvent>>): AsyncIterable<StreamEvent> {
    const limiter = this.#limiter;
    const run = async function* (): AsyncGenerator<StreamEvent, void, undefined> {
      yield* await open();
    };
    return limiter ? holdDuringStream(limiter, run, signal) : run();
  }

  /** Terminates the sync worker and drops the async client. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#client = undefined;
    this.#nodeFetch?.close();
    this.#nodeFetch = undefined;
    const bridge = this.#bridge;
    this.#bridge = undefined;
    await bridge?.close();
  }
}
