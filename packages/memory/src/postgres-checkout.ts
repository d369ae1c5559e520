// One checked-out pg client, bounded by the caller's AbortSignal.
//
// A client taken with `pool.connect()` has no pool-owned 'error' listener while it is checked out,
// so a dropped connection (57P01 after pg_terminate_backend or a restart, ECONNRESET from a proxy)
// would be an unhandled 'error' event and kill the process. The listener here keeps the process
// alive; the query in flight rejects with the same error, which the caller types.
//
// On abort the connection is destroyed rather than returned: that is the only way to stop a query
// waiting on a lock, and the server rolls back whatever transaction it had open.
import type { Pool, PoolClient } from "pg";
import { raceAbort } from "./shared.js";

export interface Checkout {
  client: PoolClient;
  /** Marks the connection unusable (e.g. a ROLLBACK failed): it is closed instead of reused. */
  discard(): void;
}

export async function withPooledClient<T>(
  pool: Pool,
  signal: AbortSignal | undefined,
  fn: (checkout: Checkout) => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted();
  const connecting = pool.connect();
  let client: PoolClient;
  try {
    client = await raceAbort(connecting, signal);
  } catch (err) {
    // The connection may still arrive after an abort; give it back instead of leaking a pool slot.
    connecting.then(
      (late) => late.release(),
      () => undefined,
    );
    throw err;
  }
  let broken: Error | undefined;
  let released = false;
  const onError = (err: Error): void => {
    broken ??= err;
  };
  client.on("error", onError);
  const release = (): void => {
    if (released) return;
    released = true;
    // A destroyed client keeps the listener: a late 'error' from its socket must stay handled.
    if (broken === undefined) client.removeListener("error", onError);
    client.release(broken ?? undefined);
  };
  const onAbort = (): void => {
    broken ??= new Error("aborted by the caller's signal");
    release();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const checkout: Checkout = {
    client,
    discard: () => {
      broken ??= new Error("connection discarded after a failed rollback");
    },
  };
  try {
    return await raceAbort(fn(checkout), signal);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    release();
  }
}
