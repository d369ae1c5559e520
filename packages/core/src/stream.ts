import { AbortError, InvalidResponseError } from "@kaizen/contracts";
import type { ChatRequest, ChatResponse, LLMProvider } from "@kaizen/contracts";
import type { ToolCallRecord } from "./tool-types.js";
import type { DeepPartial } from "./types.js";

/**
 * What `stream.events()` yields, in order. `step` numbers the model calls of the run (1 for the
 * first; each tool round adds one). The last event is always `final`.
 */
export type AgentStreamEvent<T> =
  | { type: "text-delta"; step: number; delta: string }
  | { type: "tool-call-start"; step: number; index: number; id: string; name: string }
  | { type: "tool-call-delta"; step: number; index: number; id: string; delta: string }
  /** A tool call ended (any status); its result goes back to the model next. */
  | { type: "tool-result"; step: number; call: ToolCallRecord }
  /** The outputs parsed so far from the answer as the model writes it. */
  | { type: "partial-output"; step: number; output: DeepPartial<T> }
  /** The validated result (the same object as `stream.result`). */
  | { type: "final"; output: T };

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
  /**
   * The run as typed events: text deltas, tool calls as they are written and their results,
   * partial outputs, then the final value. Iterate either this or the stream itself, once.
   */
  events(): AsyncIterable<AgentStreamEvent<T>>;
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
  readonly #source: () => AsyncGenerator<AgentStreamEvent<T>, T, undefined>;

  constructor(source: () => AsyncGenerator<AgentStreamEvent<T>, T, undefined>, controller: AbortController) {
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
    this.#start();
    return this.#partials();
  }

  events(): AsyncIterable<AgentStreamEvent<T>> {
    this.#start();
    return this.#iterate();
  }

  #start(): void {
    if (this.#started)
      throw new TypeError("An agent stream can be iterated once. Call agent.streamAsync() again for another run.");
    this.#started = true;
  }

  async *#partials(): AsyncGenerator<DeepPartial<T>, void, undefined> {
    for await (const event of this.#iterate()) {
      if (event.type === "partial-output") yield event.output;
      else if (event.type === "final") yield event.output as DeepPartial<T>;
    }
  }

  async *#iterate(): AsyncGenerator<AgentStreamEvent<T>, void, undefined> {
    try {
      const final = yield* this.#source();
      this.#settle(() => this.#resolve(final));
      yield { type: "final", output: final };
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
 * Streams one chat: yields its text, tool-call and partial-output events, returns its final
 * response. A provider without `streamAsync` falls back to one `chatAsync` (no events).
 */
export async function* streamChat<T>(
  provider: LLMProvider,
  request: ChatRequest,
  step: number,
): AsyncGenerator<AgentStreamEvent<T>, ChatResponse, undefined> {
  if (provider.streamAsync === undefined) return provider.chatAsync(request);
  let finish: ChatResponse | undefined;
  for await (const event of provider.streamAsync(request)) {
    switch (event.type) {
      case "partial-object":
        yield { type: "partial-output", step, output: event.object as DeepPartial<T> };
        break;
      case "text-delta":
        yield { type: "text-delta", step, delta: event.delta };
        break;
      case "tool-call-start":
      case "tool-call-delta":
        yield { ...event, step };
        break;
      case "finish":
        finish = event.response;
        break;
    }
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
