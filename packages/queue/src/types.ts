import type { RunOptions } from "@kaizen/core";
import type { AnySignature } from "@kaizen/signatures";
import type { SerializedError } from "./serialize-error.js";

/**
 * One item, settled, in input order: what `batchAsync` returns, with the reason made plain JSON
 * (it crossed a process boundary), so it is assignable to `BatchResult<O>` from @kaizen/core.
 */
export type QueueResult<O> = { status: "fulfilled"; value: O } | { status: "rejected"; reason: SerializedError };

/** What a worker runs: a `BaseAgent` fits, or anything with its `runAsync`. */
export interface QueueAgent<I, O> {
  runAsync(inputs: I, options?: RunOptions): Promise<O>;
  /** When there, the tokens-per-minute limit estimates an item's prompt from it. */
  readonly signature?: AnySignature;
  /** When there, `maxTokens` is counted as the answer's share of an item's estimate. */
  readonly config?: { readonly maxTokens?: number | undefined };
}

export interface SubmitOptions<I> {
  /** Reuse an id to resubmit a batch whose submit was cut off: items already queued are kept, not doubled. */
  batchId?: string;
  /**
   * The session of each item, if any (needs a memory on the workers' agent, one they all share for
   * the conversation to follow it across workers). A session's items of one batch run one after
   * another in input order, on whichever workers; different sessions and items without one run
   * side by side.
   */
  sessionId?: (inputs: I, index: number) => string | undefined;
  /** Time budget of each item's run, retries inside the provider included. */
  timeoutMs?: number;
}

export interface BatchProgress {
  total: number;
  /** Items settled, fulfilled or rejected. */
  done: number;
  /** Of `done`, the rejected ones. */
  failed: number;
  /** Started by a worker and not yet settled (a crashed worker's item stays here until it runs again). */
  inFlight: number;
  /** Neither settled nor in flight. */
  waiting: number;
  cancelled: boolean;
  /** Epoch ms of the submit. */
  submittedAt: number;
  /** Settled items per second since the submit. */
  itemsPerSecond: number;
}

export interface ResultsOptions {
  signal?: AbortSignal;
  /** How often to look whether every item has settled. Default 200 ms. */
  pollIntervalMs?: number;
}

export interface WorkOptions {
  /** Items this process runs at once. Default 16. */
  concurrency?: number;
  /**
   * How long a worker holds an item before others may take it over (it renews the hold while it
   * lives). A killed worker's items run again elsewhere after about this long. Default 30 s.
   */
  lockDurationMs?: number;
  /** How often workers look for items whose worker died. Default 30 s. */
  stalledIntervalMs?: number;
}

/** Item job payload in Redis. */
export interface ItemData<I> {
  batchId: string;
  index: number;
  inputs: I;
  sessionId?: string;
  /** The index of the session's next item in this batch, queued once this one settles. */
  next?: number;
  timeoutMs?: number;
}
