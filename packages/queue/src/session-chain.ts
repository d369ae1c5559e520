import type { ItemData } from "./types.js";

/**
 * Order within a session, across workers, by chaining: of a session's items only the first is
 * queued at submit; the others wait in the batch's `deferred` hash, each item naming the session's
 * next one (`next`), and the job of item k queues item k + 1 once k has settled, before its own job
 * completes. So a session has at most one job in the queue and nothing ever waits for its turn.
 *
 * Why not a per-session lock or sequence number checked by each job: a job waiting for its turn
 * either holds a worker slot (every slot can end up waiting on an item sitting out its retry
 * backoff, and the queue deadlocks) or goes back to the queue again and again (each time a BullMQ
 * start, spending the item's started-attempts budget, and polling). Chaining needs neither, and
 * it is as crash-safe as any job: a worker killed between settling item k and queuing k + 1 leaves
 * k's job stalled, its re-run finds k settled and queues k + 1 (a job id per item makes that
 * idempotent).
 */
export interface SessionPlan<I> {
  /** Queued now: items without a session and each session's first. */
  queued: ItemData<I>[];
  /** Queued later, by the item before them in their session. */
  deferred: ItemData<I>[];
}

export function planSessions<I>(items: readonly ItemData<I>[]): SessionPlan<I> {
  const last = new Map<string, ItemData<I>>();
  const plan: SessionPlan<I> = { queued: [], deferred: [] };
  for (const item of items) {
    if (item.sessionId === undefined) {
      plan.queued.push(item);
      continue;
    }
    const previous = last.get(item.sessionId);
    if (previous === undefined) plan.queued.push(item);
    else {
      previous.next = item.index;
      plan.deferred.push(item);
    }
    last.set(item.sessionId, item);
  }
  return plan;
}
