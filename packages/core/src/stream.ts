import { AbortError, InvalidResponseError } from "@kaizen/contracts";
import type { ChatRequest, ChatResponse, LLMProvider } from "@kaizen/contracts";
import type { DeepPartial } from "./types.js";

/**
 * The partial outputs of one run as they arrive, ending with the validated final result (the same
 * object `runAsync` returns, also given by `result`). Iterate it once.
 */
export interface AgentStream<T> extends AsyncIterable<DeepPartial<T>> {
  /**
   * The validated final result. Settles when the iteration ends; awaiting it without iterating
   * runs the stream to the end on its own. Rejects with the run's error, or an AbortError when the
   * loop was left early.
   */
  readonly result: Promise<T>;
  /** Stops the run and closes the upstream request. */
  cancel(): void;
}

/** A real Promise that tells the stream when someone waits on it (`await`, `then`, `catch`). */
class ResultPromise<T> extends Promise<T> {
  // Promises derived from this one (then/catch/finally) are plain Promises.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }
  onObserve: (() => void) | undefined;
  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.onObserve?.();
    return super.then(onFulfilled, onRejected);
  }
}

export class AgentStreamImpl<T> implements AgentStream<T> {
  readonly result: Promise<T>;
  #resolve!: (value: T) => void;
  #reject!: (error: unknown) => void;
  #settled = false;
  #started = false;
  readonly #controller: AbortController;
  readonly #source: () => AsyncGenerator<DeepPartial<T>, T, undefined>;

  constructor(source: () => AsyncGenerator<DeepPartial<T>, T, undefined>, controller: AbortController) {
    this.#source = source;
    this.#controller = controller;
    const result = new ResultPromise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Nobody may ever await `result` (a plain for-await loop): don't report that as unhandled.
    void Promise.prototype.then.call(result, undefined, () => undefined);
    // Waiting on `result` without iterating (in the same tick) runs the stream to its end.
    result.onObserve = () => {
      result.onObserve = undefined;
      queueMicrotask(() => {
        if (!this.#started) this.#drain();
      });
    };
    this.result = result;
  }

  #drain(): void {
    const iterator = this[Symbol.asyncIterator]();
    const pump = async (): Promise<void> => {
      while (!(await iterator.next()).done) {
        // The partials are of no use to a caller that only wants the result.
      }
    };
    pump().catch(() => undefined);
  }

  [Symbol.asyncIterator](): AsyncGenerator<DeepPartial<T>, void, undefined> {
    if (this.#started)
      throw new TypeError("An agent stream can be iterated once. Call agent.streamAsync() again for another run.");
    this.#started = true;
    return this.#iterate();
  }

  async *#iterate(): AsyncGenerator<DeepPartial<T>, void, undefined> {
    try {
      const final = yield* this.#source();
      this.#settle(() => this.#resolve(final));
      yield final as DeepPartial<T>;
    } catch (error) {
      this.#settle(() => this.#reject(error));
      throw error;
    } finally {
      if (!this.#settled) {
        // The consumer left the loop early: cancel upstream and let `result` say so.
        this.#controller.abort(new AbortError("The stream was cancelled before its final result."));
        this.#settle(() => this.#reject(new AbortError("The stream was cancelled before its final result.")));
      }
    }
  }

  #settle(action: () => void): void {
    if (this.#settled) return;
    this.#settled = true;
    action();
  }

  cancel(): void {
    this.#controller.abort(new AbortError("The stream was cancelled."));
    if (!this.#started) {
      this.#started = true;
      this.#settle(() => this.#reject(new AbortError("The stream was cancelled.")));
    }
  }
}

/**
 * Streams one chat: yields the partial objects the provider parses, returns its final response.
 * A provider without `streamAsync` falls back to one `chatAsync` (no partials).
 */
export async function* streamChat<P>(provider: LLMProvider, request: ChatRequest): AsyncGenerator<P, ChatResponse, undefined> {
  if (provider.streamAsync === undefined) return provider.chatAsync(request);
  let finish: ChatResponse | undefined;
  for await (const event of provider.streamAsync(request)) {
    if (event.type === "partial-object") yield event.object as P;
    else if (event.type === "finish") finish = event.response;
  }
  if (request.signal?.aborted) throw new AbortError("The stream was cancelled before its final result.");
  if (finish === undefined) {
    throw new InvalidResponseError(
      `The ${provider.name} stream ended before its final event (the connection was cut or the stream truncated); nothing was saved. Fix: retry the run.`,
      { provider: provider.name, retryable: true },
    );
  }
  return finish;
}
