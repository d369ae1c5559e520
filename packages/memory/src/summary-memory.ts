// SummaryMemory: keeps the last `keepLast` turns of a session verbatim and folds everything older
// into one running summary, through a function you pass (an agent can be that function).
//
// Where the summary lives: in the store itself, through the contract's optional
// loadSummaryAsync/saveSummaryAsync (every built-in backend has them), as { text, throughSeq }.
// Turns are never deleted by folding: `throughSeq` marks which ones the summary covers, so
// folding is idempotent, works over any store, and two app instances folding at once cannot move
// the summary backwards (a store keeps the summary covering more turns). Bound the store's own
// history with its `maxTurns` (anything above `keepLast`) if you do not want to keep it all.
//
// When folding happens: after each append, once more than `keepLast` turns are unfolded. The
// turn is stored first; if `summarize` throws, the turn stays stored and the next append retries
// the fold. loadAsync never calls `summarize`: it returns the stored summary plus the latest
// `keepLast` unfolded turns.
import { MemoryError, MemoryOptionsError, isAbortError } from "./errors.js";
import { validateSessionId } from "./session-id.js";
import { checkLoadOptions, estimateTextTokens, selectLatest } from "./shared.js";
import type { LoadOptions, Memory, MemoryContext, NewTurn, SessionSummary, Turn } from "./types.js";

/** Folds `turns` (oldest first) into a new summary, given the previous one. May be sync or async. */
export type Summarize = (
  turns: Turn[],
  previousSummary: string | undefined,
  info: { sessionId: string; signal?: AbortSignal },
) => string | Promise<string>;

export interface SummaryMemoryOptions {
  /** Any Memory with summary storage (loadSummaryAsync/saveSummaryAsync): every built-in backend. */
  store: Memory;
  /** How many of the latest turns stay verbatim. At least 1. */
  keepLast: number;
  summarize: Summarize;
  /**
   * Called when folding fails after a turn was stored. Without it, appendAsync rejects with a
   * MemoryError (code "summarize_failed") whose message says the turn was stored.
   */
  onSummarizeError?: (error: MemoryError) => void;
  /** close() also closes the store. Default true. */
  closeStore?: boolean;
}

const BACKEND = "summary";

export class SummaryMemory implements Memory {
  readonly kind: string;
  readonly store: Memory;
  readonly keepLast: number;
  /** Present when the store is synchronous and `summarize` is not an `async function`. */
  readonly load?: (sessionId: string, options?: Omit<LoadOptions, "signal">) => MemoryContext;
  readonly append?: (sessionId: string, turn: NewTurn) => Turn;
  readonly clear?: (sessionId: string) => void;
  /** The store's write check, when it has one (see Memory.checkWritableAsync). */
  readonly checkWritableAsync?: (sessionId: string, options?: { signal?: AbortSignal }) => Promise<void>;
  readonly checkWritable?: (sessionId: string) => void;
  readonly #summarize: Summarize;
  readonly #onError: ((error: MemoryError) => void) | undefined;
  readonly #closeStore: boolean;
  /** One fold at a time per session in this instance. */
  readonly #folding = new Map<string, Promise<void>>();
  #closed = false;

  constructor(options: SummaryMemoryOptions) {
    const { store, keepLast, summarize } = options;
    if (!store || typeof store.appendAsync !== "function") {
      throw new MemoryOptionsError(
        "store",
        "SummaryMemory needs a store: new SummaryMemory({ store: new SqliteMemory(), keepLast: 10, summarize }).",
        BACKEND,
      );
    }
    if (typeof store.loadSummaryAsync !== "function" || typeof store.saveSummaryAsync !== "function") {
      throw new MemoryOptionsError(
        "store",
        `The ${store.kind} store has no summary storage. Fix: implement loadSummaryAsync(sessionId) and saveSummaryAsync(sessionId, { text, throughSeq }) on it (see the Memory contract), or use a built-in store.`,
        BACKEND,
      );
    }
    if (!Number.isSafeInteger(keepLast) || keepLast < 1) {
      throw new MemoryOptionsError(
        "keepLast",
        `keepLast must be an integer >= 1, got ${String(keepLast)}. Fix: e.g. keepLast: 10.`,
        BACKEND,
      );
    }
    if (typeof summarize !== "function") {
      throw new MemoryOptionsError(
        "summarize",
        "summarize must be a function (turns, previousSummary) => string | Promise<string>.",
        BACKEND,
      );
    }
    this.store = store;
    this.keepLast = keepLast;
    this.kind = `summary(${store.kind})`;
    this.#summarize = summarize;
    this.#onError = options.onSummarizeError;
    this.#closeStore = options.closeStore ?? true;
    if (store.checkWritableAsync) this.checkWritableAsync = store.checkWritableAsync.bind(store);
    if (store.checkWritable) this.checkWritable = store.checkWritable.bind(store);

    const isAsyncFunction = summarize.constructor.name === "AsyncFunction";
    if (store.load && store.append && store.clear && store.loadSummary && store.saveSummary && !isAsyncFunction) {
      const s = {
        load: store.load.bind(store),
        append: store.append.bind(store),
        clear: store.clear.bind(store),
        loadSummary: store.loadSummary.bind(store),
        saveSummary: store.saveSummary.bind(store),
      };
      this.load = (sessionId, loadOptions) => {
        this.#open();
        validateSessionId(sessionId, BACKEND);
        const summary = s.loadSummary(sessionId);
        return this.#context(s.load(sessionId, this.#storeLoadOptions(loadOptions)).turns, summary, loadOptions);
      };
      this.append = (sessionId, turn) => {
        this.#open();
        const stored = s.append(sessionId, turn);
        const previous = s.loadSummary(sessionId);
        const toFold = this.#toFold(previous, stored.seq, (maxTurns) => s.load(sessionId, { maxTurns }).turns);
        if (toFold.length > 0) {
          let text: unknown;
          try {
            text = this.#summarize(toFold, previous?.text, { sessionId });
          } catch (err) {
            this.#report(sessionId, stored, err);
            return stored;
          }
          if (typeof text !== "string") {
            // A Promise cannot be waited for here: keep the turn, leave the fold to the next append,
            // and make sure the abandoned Promise cannot become an unhandled rejection.
            if (text instanceof Promise) text.catch(() => undefined);
            this.#report(
              sessionId,
              stored,
              new Error(
                text instanceof Promise
                  ? "summarize returned a Promise in the synchronous append(). Fix: use appendAsync(), or pass a summarize function that returns a string"
                  : `summarize must return a string, got ${text === null ? "null" : typeof text}`,
              ),
            );
            return stored;
          }
          s.saveSummary(sessionId, { text, throughSeq: (toFold[toFold.length - 1] as Turn).seq });
        }
        return stored;
      };
      this.clear = (sessionId) => {
        this.#open();
        s.clear(sessionId);
      };
    }
  }

  async loadAsync(sessionId: string, options?: LoadOptions): Promise<MemoryContext> {
    this.#open();
    validateSessionId(sessionId, BACKEND);
    checkLoadOptions(options, BACKEND);
    const summary = await this.#loadSummary(sessionId, options?.signal);
    const context = await this.store.loadAsync(sessionId, { ...this.#storeLoadOptions(options), signal: options?.signal });
    return this.#context(context.turns, summary, options);
  }

  async appendAsync(sessionId: string, turn: NewTurn, options?: { signal?: AbortSignal }): Promise<Turn> {
    this.#open();
    const stored = await this.store.appendAsync(sessionId, turn, options);
    const fold = (this.#folding.get(sessionId) ?? Promise.resolve()).then(() =>
      this.#foldAsync(sessionId, stored.seq, options?.signal),
    );
    const settled = fold.then(
      () => undefined,
      () => undefined,
    );
    this.#folding.set(sessionId, settled);
    try {
      await fold;
    } catch (err) {
      if (isAbortError(err)) throw err;
      this.#report(sessionId, stored, err);
    } finally {
      if (this.#folding.get(sessionId) === settled) this.#folding.delete(sessionId);
    }
    return stored;
  }

  async clearAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<void> {
    this.#open();
    await this.#folding.get(sessionId);
    await this.store.clearAsync(sessionId, options);
  }

  loadSummaryAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<SessionSummary | undefined> {
    return this.#loadSummary(sessionId, options?.signal);
  }

  async saveSummaryAsync(
    sessionId: string,
    summary: { text: string; throughSeq: number },
    options?: { signal?: AbortSignal },
  ): Promise<void> {
    await this.store.saveSummaryAsync?.(sessionId, summary, options);
  }

  /** Waits for folds in flight, then closes the store (unless closeStore is false). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#folding.values());
    if (this.#closeStore) await this.store.close();
  }

  async #foldAsync(sessionId: string, lastSeq: number, signal: AbortSignal | undefined): Promise<void> {
    const previous = await this.#loadSummary(sessionId, signal);
    const toFold = await this.#toFoldAsync(
      previous,
      lastSeq,
      async (maxTurns) => (await this.store.loadAsync(sessionId, { maxTurns, signal })).turns,
    );
    if (toFold.length === 0) return;
    const text = await this.#summarize(toFold, previous?.text, signal ? { sessionId, signal } : { sessionId });
    if (typeof text !== "string") throw new Error(`summarize must return a string, got ${text === null ? "null" : typeof text}`);
    await this.store.saveSummaryAsync?.(sessionId, { text, throughSeq: (toFold[toFold.length - 1] as Turn).seq }, { signal });
  }

  async #toFoldAsync(
    previous: SessionSummary | undefined,
    lastSeq: number,
    loadTail: (maxTurns: number | undefined) => Promise<Turn[]>,
  ): Promise<Turn[]> {
    const through = previous?.throughSeq ?? 0;
    if (lastSeq - through <= this.keepLast) return [];
    // The unfolded turns plus some slack for appends that raced ours; all of them if even that is short.
    const limit = lastSeq - through + 32;
    let turns = await loadTail(limit);
    if (turns.length === limit && (turns[0]?.seq ?? 0) > through + 1) turns = await loadTail(undefined);
    return pickToFold(turns, through, this.keepLast);
  }

  #toFold(previous: SessionSummary | undefined, lastSeq: number, loadTail: (maxTurns: number | undefined) => Turn[]): Turn[] {
    const through = previous?.throughSeq ?? 0;
    if (lastSeq - through <= this.keepLast) return [];
    const limit = lastSeq - through + 32;
    let turns = loadTail(limit);
    if (turns.length === limit && (turns[0]?.seq ?? 0) > through + 1) turns = loadTail(undefined);
    return pickToFold(turns, through, this.keepLast);
  }

  #storeLoadOptions(options: Omit<LoadOptions, "signal"> | undefined): { maxTurns: number } {
    return { maxTurns: Math.min(this.keepLast, options?.maxTurns ?? this.keepLast) };
  }

  /** The unfolded tail, bounded by maxTurns and by what maxTokens leaves after the summary. */
  #context(turns: Turn[], summary: SessionSummary | undefined, options: Omit<LoadOptions, "signal"> | undefined): MemoryContext {
    const through = summary?.throughSeq ?? 0;
    const unfolded = turns.filter((t) => t.seq > through);
    const maxTokens =
      options?.maxTokens === undefined
        ? undefined
        : Math.max(0, options.maxTokens - (summary ? estimateTextTokens(summary.text) : 0));
    const context: MemoryContext = { turns: selectLatest(unfolded, options?.maxTurns, maxTokens) };
    if (summary) context.summary = summary.text;
    return context;
  }

  async #loadSummary(sessionId: string, signal: AbortSignal | undefined): Promise<SessionSummary | undefined> {
    return (await this.store.loadSummaryAsync?.(sessionId, { signal })) ?? undefined;
  }

  #report(sessionId: string, stored: Turn, err: unknown): void {
    const detail = err instanceof Error ? err.message : String(err);
    const error = new MemoryError(
      "summarize_failed",
      `Turn ${stored.seq} of session "${sessionId}" was stored, but folding older turns into the summary failed: ${detail}. The next append retries the fold.`,
      { backend: BACKEND, cause: err },
    );
    if (this.#onError) this.#onError(error);
    else throw error;
  }

  #open(): void {
    if (this.#closed)
      throw new MemoryError("closed", "This SummaryMemory is closed. Fix: create a new instance.", { backend: BACKEND });
  }
}

function pickToFold(turns: Turn[], through: number, keepLast: number): Turn[] {
  const unfolded = turns.filter((t) => t.seq > through);
  return unfolded.slice(0, Math.max(0, unfolded.length - keepLast));
}
