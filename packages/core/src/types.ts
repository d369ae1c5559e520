import type { ApprovalHandler } from "./tool-types.js";

/** A deep partial of an output object: what a stream has parsed so far. */
export type DeepPartial<T> = T extends (infer U)[]
  ? DeepPartial<U>[]
  : T extends Date | RegExp
    ? T
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;

export interface RunOptions {
  /** The conversation this run belongs to; needs a `memory` on the agent. Never part of the prompt's inputs. */
  sessionId?: string;
  /**
   * Cancels the run, including a wait between retries. `run()` checks it only before it starts:
   * a thread blocked on the answer cannot see it fire (use `timeoutMs` there).
   */
  signal?: AbortSignal;
  /** Time budget of this run (retries and re-asks included); overrides the config's `timeoutMs`. */
  timeoutMs?: number;
  /**
   * Decides on each tool call whose tool `needsApproval`, its input already validated. Without
   * it such calls are denied (and the model is told so). In `run()` it must answer synchronously.
   */
  onApproval?: ApprovalHandler;
}

export interface BatchProgress {
  done: number;
  total: number;
  failed: number;
}

export interface BatchOptions<I> {
  /** At most this many runs in flight. Default 16. */
  concurrency?: number;
  /** Cancels the runs in flight; items not yet started settle as rejected with an AbortError. */
  signal?: AbortSignal;
  /** Called after each item settles. */
  onProgress?: (progress: BatchProgress) => void;
  /** Time budget of each run. */
  timeoutMs?: number;
  /** Decides on tool calls that need approval, in every item's run (see RunOptions.onApproval). */
  onApproval?: ApprovalHandler;
  /** The session of each item, if any; items sharing a session run in no guaranteed order. */
  sessionId?: (inputs: I, index: number) => string | undefined;
}

/** One batch item, settled: like `PromiseSettledResult`, in input order. */
export type BatchResult<T> = { status: "fulfilled"; value: T } | { status: "rejected"; reason: unknown };
