/** Redis keys of one batch, beside BullMQ's own keys of the queue. */
export interface BatchKeys {
  /** Hash: total, createdAt, done, failed, cancelled. */
  meta: string;
  /** Hash: item index -> settled result as JSON, written once (HSETNX). */
  results: string;
  /** Sorted set: item indexes started and not yet settled, scored by start time. */
  inFlight: string;
  /** Hash: item index -> job data (JSON) of a session's items not yet queued (see session-chain.ts). */
  deferred: string;
}

export function batchKeys(prefix: string, queueName: string, batchId: string): BatchKeys {
  const base = `${prefix}:${queueName}:kaizen-batch:${batchId}`;
  return { meta: `${base}:meta`, results: `${base}:results`, inFlight: `${base}:in-flight`, deferred: `${base}:deferred` };
}

/** BullMQ job ids may not contain ":"; batch ids are UUIDs and indexes are digits. */
export function jobIdOf(batchId: string, index: number): string {
  return `${batchId}-${index}`;
}
