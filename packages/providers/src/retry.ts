// The one retry authority of every provider. The SDK clients are created with `maxRetries: 0`
// so that retries never multiply (SDK retries x ours); everything about waiting lives here.
import { AbortError, KaizenError, ProviderError, RateLimitError, TimeoutError } from "@kaizen/contracts";

export interface RetryInfo {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  error: unknown;
  /** How long we wait before the next attempt. */
  delayMs: number;
}

export interface RetryOptions {
  /** Retries after the first attempt. Default 2 (so at most 3 attempts). */
  maxRetries?: number;
  /** Total budget in ms for all attempts and waits. No budget when undefined. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onRetry?: (info: RetryInfo) => void;
  /** First backoff ceiling; doubles per attempt. Default 500 ms. */
  baseDelayMs?: number;
  /** Highest backoff ceiling. Default 10 s. A server's Retry-After may ask for more. */
  maxDelayMs?: number;
  /** Used in the TimeoutError raised when the budget runs out. */
  provider?: string;
  /** Injected in tests; defaults to Math.random. */
  random?: () => number;
}

export interface AttemptContext {
  /** 1-based attempt number. */
  attempt: number;
  /**
   * Aborts when the caller's signal fires or the total budget runs out. Made on first read: an
   * attempt that ends itself within `remainingMs` and watches `callerSignal` need not read it.
   */
  readonly signal: AbortSignal | undefined;
  /** The caller's own signal, as given. */
  callerSignal: AbortSignal | undefined;
  /** What is left of the total budget, for the per-attempt timeout. */
  remainingMs: number | undefined;
}

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_BASE_DELAY_MS = 500;
export const DEFAULT_MAX_DELAY_MS = 10_000;

/** Only errors the mapping marked retryable (429, 408, 409, 5xx, connection, timeouts). */
export function isRetryableError(error: unknown): boolean {
  return error instanceof ProviderError && error.retryable;
}

/** Full-jitter exponential backoff, with the server's Retry-After as a floor. */
export function computeRetryDelayMs(
  attempt: number,
  error: unknown,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs" | "random"> = {},
): number {
  const base = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const cap = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  const serverAsked = error instanceof RateLimitError ? error.retryAfterMs : undefined;
  // When the server names a wait we never go below it: retrying earlier only burns an attempt.
  return serverAsked !== undefined ? Math.max(serverAsked, jittered) : jittered;
}

function abortReason(signal: AbortSignal): KaizenError {
  const reason: unknown = signal.reason;
  if (reason instanceof KaizenError) return reason;
  return new AbortError("The operation was aborted.", reason === undefined ? {} : { cause: reason });
}

/** Waits `ms`, rejecting with AbortError the moment `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function budgetError(provider: string | undefined, timeoutMs: number, cause: unknown): TimeoutError {
  return new TimeoutError(
    `The call did not finish within its time budget of ${timeoutMs} ms (retries included). Raise timeoutMs if the provider is slow.`,
    { provider: provider ?? "unknown", timeoutMs, retryable: false, ...(cause === undefined ? {} : { cause }) },
  );
}

/**
 * Runs `fn` with retries. `fn` must throw errors already mapped to the @kaizen/contracts family
 * (see mapProviderError): only those marked retryable are retried. The caller's AbortSignal
 * rejects at once, also in the middle of a backoff wait.
 */
export async function withRetry<T>(fn: (ctx: AttemptContext) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const { signal, timeoutMs } = options;
  if (signal?.aborted) throw abortReason(signal);
  // Without a budget the caller's signal is all an attempt needs: no controller, timer or
  // listener per call (AbortController is among the costlier allocations of a call in Node 20).
  if (timeoutMs === undefined) return withRetryUnbounded(fn, options, maxRetries, signal);
  const deadline = Date.now() + timeoutMs;

  // One controller for the whole call: it carries both the caller's abort and the budget's end
  // into each attempt, so a stalled attempt cannot outlive the budget (the SDKs' own `timeout`
  // stops at the response headers, not a stalled body). Made when an attempt first reads
  // `signal`: the direct chat path ends itself at `remainingMs` and watches the caller's signal,
  // and skipping the controller, its listener and its timer is a measurable part of its CPU.
  let controller: AbortController | undefined;
  let budgetTimer: ReturnType<typeof setTimeout> | undefined;
  let budgetExpired = false;
  const onCallerAbort = () => controller?.abort(signal?.reason);
  const budgetSignal = (): AbortSignal => {
    if (controller === undefined) {
      const made = new AbortController();
      controller = made;
      if (signal?.aborted) made.abort(signal.reason);
      else signal?.addEventListener("abort", onCallerAbort, { once: true });
      budgetTimer = setTimeout(
        () => {
          budgetExpired = true;
          made.abort(budgetError(options.provider, timeoutMs, undefined));
        },
        Math.max(0, deadline - Date.now()),
      );
    }
    return controller.signal;
  };

  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn({
          attempt,
          get signal() {
            return budgetSignal();
          },
          callerSignal: signal,
          remainingMs: Math.max(1, deadline - Date.now()),
        });
      } catch (error) {
        if (signal?.aborted) throw abortReason(signal);
        // An attempt that ended itself at remainingMs ran out the budget as the timer would have.
        if (budgetExpired || Date.now() >= deadline) throw budgetError(options.provider, timeoutMs as number, error);
        if (attempt > maxRetries || !isRetryableError(error)) throw error;
        const delayMs = computeRetryDelayMs(attempt, error, options);
        // A wait that would end past the budget cannot lead to a success: give up now with
        // the real error (a RateLimitError keeps its retryAfterMs for the caller).
        if (Date.now() + delayMs >= deadline) throw error;
        options.onRetry?.({ attempt, error, delayMs });
        await sleep(delayMs, budgetSignal()).catch((sleepError: unknown) => {
          if (signal?.aborted) throw abortReason(signal);
          if (budgetExpired) throw budgetError(options.provider, timeoutMs as number, error);
          throw sleepError;
        });
      }
    }
  } finally {
    if (budgetTimer !== undefined) clearTimeout(budgetTimer);
    if (controller !== undefined) signal?.removeEventListener("abort", onCallerAbort);
  }
}

/** withRetry without a time budget: attempts and backoff waits take the caller's signal as is. */
async function withRetryUnbounded<T>(
  fn: (ctx: AttemptContext) => Promise<T>,
  options: RetryOptions,
  maxRetries: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn({ attempt, signal, callerSignal: signal, remainingMs: undefined });
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      if (attempt > maxRetries || !isRetryableError(error)) throw error;
      const delayMs = computeRetryDelayMs(attempt, error, options);
      options.onRetry?.({ attempt, error, delayMs });
      await sleep(delayMs, signal);
    }
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` (Atomics.wait). Only for the synchronous path. */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * The blocking twin of withRetry for `chat()`/`embed()`. The thread sleeps between attempts, so
 * an AbortSignal can only be honoured between attempts (nothing else runs on this thread).
 */
export function withRetrySync<T>(fn: (ctx: AttemptContext) => T, options: RetryOptions = {}): T {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const { signal, timeoutMs } = options;
  const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal);
    const remainingMs = deadline === undefined ? undefined : deadline - Date.now();
    if (remainingMs !== undefined && remainingMs <= 0) throw budgetError(options.provider, timeoutMs as number, undefined);
    try {
      return fn({ attempt, signal, callerSignal: signal, remainingMs });
    } catch (error) {
      if (attempt > maxRetries || !isRetryableError(error)) throw error;
      const delayMs = computeRetryDelayMs(attempt, error, options);
      if (deadline !== undefined && Date.now() + delayMs >= deadline) throw error;
      options.onRetry?.({ attempt, error, delayMs });
      sleepSync(delayMs);
    }
  }
}
