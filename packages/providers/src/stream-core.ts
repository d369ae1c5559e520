// What every provider's streamAsync shares: one controller that carries the caller's abort and
// the time budget into the HTTP request, retries only until the first event reached the caller
// (an error event as the very first event is retried; once a chunk has been yielded a retry
// would repeat text the caller already has), and errors that say what happened: AbortError,
// TimeoutError, InvalidResponseError for a stream that broke off.
import {
  AbortError,
  type ChatRequest,
  InvalidResponseError,
  KaizenError,
  ProviderError,
  TimeoutError,
  type ChatResponse,
  type StreamEvent,
} from "@kaizen/contracts";
import { mapProviderError } from "./errors-map.js";
import { PartialJsonParser } from "./partial-json.js";
import { withRetry, type RetryInfo } from "./retry.js";

export interface OpenedStream<Chunk> {
  chunks: AsyncIterable<Chunk>;
  requestId?: string | undefined;
}

/** The provider-specific half of a stream: how to open it and how to read its chunks. */
export interface StreamDriver<Chunk> {
  /** Opens the HTTP stream. `signal` must reach the SDK call: aborting it closes the connection. */
  open(signal: AbortSignal): Promise<OpenedStream<Chunk>>;
  /** Turns one upstream chunk into events. */
  onChunk(chunk: Chunk, emit: (event: StreamEvent) => void): void;
  /**
   * Builds the final response once the upstream ended. Throws InvalidResponseError when the
   * stream ended before the model finished (a cut connection that closed cleanly).
   */
  finish(info: { attempts: number; requestId: string | undefined }): ChatResponse;
}

export interface StreamRunOptions {
  provider: string;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Maps an SDK error to the @kaizen/contracts family (the shared mapping). */
  mapError: (error: unknown) => unknown;
}

/** What every provider's stream entry point takes besides its driver's own options. */
export interface ProviderStreamOptions {
  /** Provider name used in errors, e.g. "openai" or "ollama". */
  provider: string;
  request: ChatRequest;
  maxRetries?: number | undefined;
  /** Defaults to the request's timeoutMs. */
  timeoutMs?: number | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Strings to scrub from error messages (the API key). */
  secrets?: readonly string[];
}

/** Runs a provider's driver with the shared time budget, retries and error mapping. */
export function runProviderStream<Chunk>(
  driver: StreamDriver<Chunk> | (() => StreamDriver<Chunk>),
  options: ProviderStreamOptions,
): AsyncIterable<StreamEvent> {
  const secrets = options.secrets ?? [];
  return runStream(driver, {
    provider: options.provider,
    signal: options.request.signal,
    timeoutMs: options.timeoutMs ?? options.request.timeoutMs,
    maxRetries: options.maxRetries,
    onRetry: options.onRetry,
    mapError: (error) => mapProviderError(error, { provider: options.provider, secrets }),
  });
}

function timeoutError(provider: string, timeoutMs: number): TimeoutError {
  return new TimeoutError(
    `The stream did not finish within its time budget of ${timeoutMs} ms. Raise timeoutMs if the model writes long answers or the provider is slow.`,
    { provider, timeoutMs, retryable: false },
  );
}

function abortError(reason: unknown): KaizenError {
  if (reason instanceof KaizenError) return reason;
  return new AbortError("The stream was aborted.", reason === undefined ? {} : { cause: reason });
}

/** Runs a driver as an async iterable of StreamEvents. */
export async function* runStream<Chunk>(
  driverOrFactory: StreamDriver<Chunk> | (() => StreamDriver<Chunk>),
  options: StreamRunOptions,
): AsyncGenerator<StreamEvent, void, undefined> {
  const makeDriver = typeof driverOrFactory === "function" ? driverOrFactory : () => driverOrFactory;
  const { provider, signal, timeoutMs } = options;
  if (signal?.aborted) throw abortError(signal.reason);

  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(abortError(signal?.reason));
  signal?.addEventListener("abort", onCallerAbort, { once: true });
  const timer =
    timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(timeoutError(provider, timeoutMs)), timeoutMs);

  // Why the stream stopped, when it was us who stopped it.
  const stopReason = (): KaizenError | undefined => {
    if (!controller.signal.aborted) return undefined;
    const reason: unknown = controller.signal.reason;
    return reason instanceof KaizenError ? reason : abortError(reason);
  };

  let attempts = 0;
  let completed = false;
  try {
    const pending: StreamEvent[] = [];
    const emit = (event: StreamEvent) => {
      pending.push(event);
    };
    // One attempt opens the stream and reads it up to its first event. An error until then (the
    // HTTP answer, or an error event such as Anthropic's overloaded_error as the very first
    // event) is retried under the retry policy: nothing has reached the caller yet. Each attempt
    // gets a fresh driver, so nothing read by a failed attempt leaks into the answer.
    let driver!: StreamDriver<Chunk>;
    let opened!: OpenedStream<Chunk>;
    let iterator!: AsyncIterator<Chunk>;
    let ended = false;
    await withRetry(
      async (ctx) => {
        attempts = ctx.attempt;
        pending.length = 0;
        ended = false;
        driver = makeDriver();
        try {
          opened = await driver.open(controller.signal);
        } catch (error) {
          throw stopReason() ?? options.mapError(error);
        }
        iterator = opened.chunks[Symbol.asyncIterator]();
        try {
          while (pending.length === 0) {
            const next = await iterator.next();
            if (next.done === true) {
              ended = true;
              break;
            }
            driver.onChunk(next.value, emit);
          }
        } catch (error) {
          throw stopReason() ?? brokenStreamError(error, opened.requestId);
        }
      },
      {
        provider,
        signal: controller.signal,
        maxRetries: options.maxRetries,
        ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
      },
    );

    while (pending.length > 0) yield pending.shift() as StreamEvent;
    try {
      while (!ended) {
        const next = await iterator.next();
        if (next.done === true) break;
        driver.onChunk(next.value, emit);
        while (pending.length > 0) yield pending.shift() as StreamEvent;
      }
    } catch (error) {
      // Once an event was yielded, a retry would repeat what the caller already has.
      throw stopReason() ?? brokenStreamError(error, opened.requestId);
    }
    // The SDKs end iteration quietly when their signal aborts: tell the caller why it ended.
    const stopped = stopReason();
    if (stopped) throw stopped;
    const response = driver.finish({ attempts, requestId: opened.requestId });
    completed = true;
    yield { type: "finish", response };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener("abort", onCallerAbort);
    // A consumer that breaks out of its loop lands here too: close the upstream connection.
    if (!completed && !controller.signal.aborted) controller.abort(new AbortError("The stream was closed by its consumer."));
  }

  // An HTTP error or the API's own error event keeps its mapping (and retryability); anything
  // else is a stream that broke off.
  function brokenStreamError(error: unknown, requestId: string | undefined): unknown {
    const mapped = options.mapError(error);
    if (mapped instanceof ProviderError && (mapped.status !== undefined || mapped.code === "stream_error")) return mapped;
    return new InvalidResponseError(
      `The ${provider} stream broke off before the answer was complete (${describe(error)}). The request can be retried.`,
      { provider, requestId, cause: error },
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Feeds structured-output text to the incremental parser and emits a partial-object event each
 * time the visible object changes.
 */
export class PartialObjectEmitter {
  readonly #parser = new PartialJsonParser({ skipPreamble: true });
  readonly #map: ((object: unknown) => unknown) | undefined;

  /** `map` reshapes each partial before it is emitted (e.g. strict mode's nulls back to absent). */
  constructor(map?: (object: unknown) => unknown) {
    this.#map = map;
  }

  push(text: string, emit: (event: StreamEvent) => void): void {
    if (text.length === 0) return;
    if (this.#parser.push(text)) {
      const object = this.#parser.value;
      if (object !== undefined && typeof object === "object" && object !== null) {
        emit({ type: "partial-object", object: this.#map ? this.#map(object) : object });
      }
    }
  }
}

/** The shape check every stream makes when it ends without the model having finished. */
export function truncatedStreamError(provider: string, requestId: string | undefined, what: string): InvalidResponseError {
  return new InvalidResponseError(
    `The ${provider} stream ended before ${what}: the connection was cut mid-answer. The request can be retried.`,
    { provider, requestId },
  );
}
