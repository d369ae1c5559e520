import { isKaizenError, RateLimitError } from "@kaizen/contracts";
import { getRunInfo } from "@kaizen/core";
import type { RunOptions } from "@kaizen/core";
import { computeRetryDelayMs, isRetryableError } from "@kaizen/providers/toolkit";
import { UnrecoverableError, Worker } from "bullmq";
import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import { estimateTokens } from "./estimate-tokens.js";
import { batchKeys } from "./keys.js";
import type { LimiterWindow } from "./rate-limit.js";
import { recordResult } from "./record.js";
import { serializeError } from "./serialize-error.js";
import type { TokenLimiter } from "./token-limit.js";
import type { ItemData, QueueAgent, WorkOptions } from "./types.js";

export interface WorkerContext<I> {
  name: string;
  prefix: string;
  redis: Redis;
  /** BullMQ's queue, for its manual rate limit. */
  queue: { rateLimit(expireTimeMs: number): Promise<void> };
  limiter: LimiterWindow;
  /** Tokens per minute, when the queue has such a limit. */
  tokens: TokenLimiter | undefined;
  backoff: { baseDelayMs?: number; maxDelayMs?: number };
  /** Queues an item as `submit` does: a session's next item, once the one before it settled. */
  enqueue(data: ItemData<I>): Promise<void>;
}

/** The provider's retry authority decides (its `retryable` mark), for errors of any Kaizen copy too. */
function isRetryable(error: unknown): boolean {
  if (isRetryableError(error)) return true;
  return isKaizenError(error) && (error as { retryable?: unknown }).retryable === true;
}

// A 429 that names its wait pauses the whole queue instead of re-running at once; each such pause
// moves the item back without spending an attempt, so this bounds the pauses of one item.
const MAX_RATE_LIMIT_PAUSES = 50;

/** One BullMQ worker running a Kaizen agent over the queue's items. */
export class KaizenWorker<I, O> {
  readonly #worker: Worker<ItemData<I>>;
  readonly #context: WorkerContext<I>;
  readonly #agent: QueueAgent<I, O>;
  #closing: Promise<void> | undefined;

  constructor(agent: QueueAgent<I, O>, options: WorkOptions & WorkerContext<I>) {
    this.#agent = agent;
    this.#context = options;
    const { concurrency = 16, lockDurationMs = 30_000, stalledIntervalMs = 30_000 } = options;
    const { baseDelayMs, maxDelayMs } = options.backoff;
    this.#worker = new Worker<ItemData<I>>(options.name, (job, _token, signal) => this.#process(job, signal), {
      connection: options.redis,
      prefix: options.prefix,
      concurrency,
      lockDuration: lockDurationMs,
      stalledInterval: stalledIntervalMs,
      // An item whose worker died is run again; a few deaths in a row mean the item kills workers.
      maxStalledCount: 3,
      maxStartedAttempts: MAX_RATE_LIMIT_PAUSES,
      limiter: options.limiter,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
          computeRetryDelayMs(attemptsMade, error, {
            ...(baseDelayMs === undefined ? {} : { baseDelayMs }),
            ...(maxDelayMs === undefined ? {} : { maxDelayMs }),
          }),
      },
    });
    // Failures BullMQ decides without our processor (too many stalls or rate-limit pauses) still
    // settle the item; HSETNX keeps a result the processor already wrote.
    this.#worker.on("failed", (job, error) => {
      if (job === undefined || job.finishedOn === undefined) return;
      void this.#record(job.data, { status: "rejected", reason: serializeError(error) })
        .then(() => this.#advance(job.data))
        .catch(() => undefined);
    });
    // BullMQ emits connection errors here; ioredis reconnects by itself, so they are not fatal.
    this.#worker.on("error", () => undefined);
  }

  async ready(): Promise<void> {
    await this.#worker.waitUntilReady();
  }

  #record(data: ItemData<I>, result: { status: "fulfilled"; value: O } | { status: "rejected"; reason: unknown }) {
    const keys = batchKeys(this.#context.prefix, this.#context.name, data.batchId);
    return recordResult(this.#context.redis, keys, data.index, JSON.stringify(result), result.status === "rejected");
  }

  async #process(job: Job<ItemData<I>>, signal: AbortSignal | undefined): Promise<void> {
    const { data } = job;
    const { redis } = this.#context;
    const keys = batchKeys(this.#context.prefix, this.#context.name, data.batchId);
    const field = String(data.index);
    const [settled, cancelled] = await Promise.all([redis.hexists(keys.results, field), redis.hget(keys.meta, "cancelled")]);
    if (cancelled === "1") return;
    // Run before, by a worker that died after recording: the result stands, nothing runs twice,
    // and the session goes on (that worker may have died before queuing the next item).
    if (settled === 1) return this.#advance(data);
    await redis.zadd(keys.inFlight, Date.now(), field);
    const runOptions: RunOptions = {};
    if (signal !== undefined) runOptions.signal = signal;
    if (data.sessionId !== undefined) runOptions.sessionId = data.sessionId;
    if (data.timeoutMs !== undefined) runOptions.timeoutMs = data.timeoutMs;
    const { tokens } = this.#context;
    const estimated = tokens === undefined ? 0 : estimateTokens(this.#agent as QueueAgent<unknown, unknown>, data.inputs);
    // Waits inside the job (its lock renewed meanwhile), so the item keeps its place.
    if (tokens !== undefined) await tokens.take(estimated, signal);
    let value: O;
    try {
      value = await this.#agent.runAsync(data.inputs, runOptions);
    } catch (error) {
      if (error instanceof RateLimitError && error.retryAfterMs !== undefined && error.retryAfterMs > 0) {
        // BullMQ's manual rate limit: every worker of the queue waits, not only this one.
        await this.#context.queue.rateLimit(error.retryAfterMs);
        await redis.zrem(keys.inFlight, field);
        throw Worker.RateLimitError();
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (isRetryable(error) && !lastAttempt) throw error;
      await this.#record(data, { status: "rejected", reason: serializeError(error) });
      await this.#advance(data);
      if (isRetryable(error)) throw error;
      throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    }
    await this.#record(data, { status: "fulfilled", value });
    await this.#advance(data);
    if (tokens !== undefined) {
      // A failed call keeps its estimate: what the provider counted for it is unknown.
      const used = typeof value === "object" && value !== null ? getRunInfo(value)?.usage.totalTokens : undefined;
      // Best effort: the result is recorded, and a missed correction only leaves the estimate standing.
      if (used !== undefined) await tokens.correct(estimated, used).catch(() => undefined);
    }
  }

  /**
   * Queues the session's next item (see session-chain.ts) once this one has settled, before this
   * job completes. Idempotent: the job id is the item's, and a settled successor has queued its own.
   */
  async #advance(data: ItemData<I>): Promise<void> {
    if (data.next === undefined) return;
    const { redis } = this.#context;
    const keys = batchKeys(this.#context.prefix, this.#context.name, data.batchId);
    const next = String(data.next);
    const [cancelled, settled, deferred] = await Promise.all([
      redis.hget(keys.meta, "cancelled"),
      redis.hexists(keys.results, next),
      redis.hget(keys.deferred, next),
    ]);
    if (cancelled === "1" || settled === 1 || deferred === null) return;
    await this.#context.enqueue(JSON.parse(deferred) as ItemData<I>);
  }

  /** Stops taking items and waits for the running ones to settle. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#worker.close();
    return this.#closing;
  }
}
