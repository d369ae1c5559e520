// Waiting out another process's SQLite write lock without blocking the event loop. The connection
// has no busy timeout of its own (SQLite's busy handler sleeps in the calling thread: a 5 s lock
// froze the whole server for 5 s), so a locked database fails at once with SQLITE_BUSY and the
// statement is tried again here: after a timer in the async path, after a thread sleep in the
// sync one (run() blocks its caller by design). Every retried unit is a whole transaction or a
// single read, so trying it again after SQLITE_BUSY is safe.
import { setTimeout as sleep } from "node:timers/promises";

const FIRST_PAUSE_MS = 2;
const MAX_PAUSE_MS = 50;

export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Runs `fn`, retrying on SQLITE_BUSY with growing pauses until `timeoutMs` has passed. */
export function retryBusySync<T>(fn: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    try {
      return fn();
    } catch (err) {
      const left = deadline - Date.now();
      if (!isBusy(err) || left <= 0) throw err;
      Atomics.wait(sleeper, 0, 0, Math.min(pause, left));
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }
}

/** The same, pausing on timers (the event loop keeps serving), and stopping when `signal` aborts. */
export async function retryBusy<T>(fn: () => T, timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    signal?.throwIfAborted();
    try {
      return fn();
    } catch (err) {
      const left = deadline - Date.now();
      if (!isBusy(err) || left <= 0) throw err;
      // timers/promises rejects with its own AbortError; the caller's reason (a deadline's
      // TimeoutError, say) is what the caller tells apart, so that is what goes up.
      await sleep(Math.min(pause, left), undefined, signal ? { signal } : undefined).catch((e: unknown) => {
        throw signal?.aborted ? (signal.reason as Error) : e;
      });
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }
}
