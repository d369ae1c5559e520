import { randomUUID } from "node:crypto";
import { AbortError, ConfigurationError } from "@kaizen/contracts";
import { sleep } from "@kaizen/providers/toolkit";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import { BatchNotFoundError } from "./errors.js";
import { batchKeys, jobIdOf } from "./keys.js";
import type { BatchKeys } from "./keys.js";
import { limiterFor, UNLIMITED } from "./rate-limit.js";
import type { LimiterWindow, RateLimitOptions } from "./rate-limit.js";
import { recordResult } from "./record.js";
import { serializeError } from "./serialize-error.js";
import { planSessions } from "./session-chain.js";
import { TokenLimiter, tokenLimiterKey } from "./token-limit.js";
import type { BatchProgress, ItemData, QueueAgent, QueueResult, ResultsOptions, SubmitOptions, WorkOptions } from "./types.js";
import { KaizenWorker } from "./worker.js";

export interface KaizenQueueOptions {
  /** The queue's name: submitters and workers of one queue use the same one. */
  name: string;
  /** A Redis URL ("redis://127.0.0.1:6379") or ioredis options. */
  connection: string | RedisOptions;
  /** Prefix of every Redis key of the queue. Default "kaizen". */
  prefix?: string;
  /** Shared by every worker of the queue; give each worker the same one. */
  rateLimit?: RateLimitOptions;
  /** Runs of one item at most, for retryable errors (429, 5xx, timeouts). Default 3. */
  attempts?: number;
  /** Backoff between attempts: full jitter, doubling from `baseDelayMs` (500) up to `maxDelayMs` (10 s). */
  backoff?: { baseDelayMs?: number; maxDelayMs?: number };
}

const ADD_CHUNK = 1_000;
const DEFAULT_ATTEMPTS = 3;

/**
 * A durable batch queue on BullMQ: `submit` from one process, `work` in any number of others,
 * `progress` and `results` from anywhere. Every item's result is written once, keyed by batch
 * and item, so an item run twice (its worker died after answering) still counts once.
 */
export class KaizenQueue<I = Record<string, unknown>, O = Record<string, unknown>> {
  readonly name: string;
  readonly prefix: string;
  readonly #redis: Redis;
  readonly #queue: Queue<ItemData<I>>;
  readonly #limiter: LimiterWindow;
  readonly #tokens: TokenLimiter | undefined;
  readonly #attempts: number;
  readonly #backoff: { baseDelayMs?: number; maxDelayMs?: number };
  readonly #workers = new Set<KaizenWorker<I, O>>();
  #closed = false;

  constructor(options: KaizenQueueOptions) {
    if (typeof options.name !== "string" || options.name === "" || options.name.includes(":")) {
      throw new ConfigurationError(
        `name must be a non-empty string without ":"; got ${JSON.stringify(options.name)}. Fix: e.g. new KaizenQueue({ name: "questions", connection }).`,
        { field: "name" },
      );
    }
    const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new ConfigurationError(`attempts must be an integer of 1 or more; got ${String(attempts)}. Fix: e.g. attempts: 3.`, {
        field: "attempts",
      });
    }
    this.name = options.name;
    this.prefix = options.prefix ?? "kaizen";
    this.#limiter = options.rateLimit === undefined ? UNLIMITED : limiterFor(options.rateLimit);
    this.#attempts = attempts;
    this.#backoff = options.backoff ?? {};
    // maxRetriesPerRequest: null is what BullMQ needs: commands wait for a reconnect instead of
    // failing, so a Redis that restarts costs time, not work.
    this.#redis =
      typeof options.connection === "string"
        ? new Redis(options.connection, { maxRetriesPerRequest: null })
        : new Redis({ ...options.connection, maxRetriesPerRequest: null });
    this.#queue = new Queue<ItemData<I>>(this.name, { connection: this.#redis, prefix: this.prefix });
    // A lost connection is reported here while ioredis reconnects by itself and the commands wait
    // for it; unheard, BullMQ would print each reconnect attempt's error.
    this.#queue.on("error", () => undefined);
    const tokensPerMinute = options.rateLimit?.tokensPerMinute;
    this.#tokens =
      tokensPerMinute === undefined
        ? undefined
        : new TokenLimiter(this.#redis, tokenLimiterKey(this.prefix, this.name), tokensPerMinute);
  }

  #keys(batchId: string): BatchKeys {
    return batchKeys(this.prefix, this.name, batchId);
  }

  /** Stores the batch in Redis and returns its id; workers may start on it before this resolves. */
  async submit(inputsList: readonly I[], options: SubmitOptions<I> = {}): Promise<string> {
    const batchId = options.batchId ?? randomUUID();
    const keys = this.#keys(batchId);
    await this.#redis.hsetnx(keys.meta, "total", String(inputsList.length));
    await this.#redis.hsetnx(keys.meta, "submittedAt", String(Date.now()));
    const items = inputsList.map((inputs, index) => {
      const data: ItemData<I> = { batchId, index, inputs };
      const sessionId = options.sessionId?.(inputs, index);
      if (sessionId !== undefined) data.sessionId = sessionId;
      if (options.timeoutMs !== undefined) data.timeoutMs = options.timeoutMs;
      return data;
    });
    const { queued, deferred } = planSessions(items);
    // Deferred items first: a queued item may settle and look for its successor at once.
    for (let start = 0; start < deferred.length; start += ADD_CHUNK) {
      const chunk = deferred.slice(start, start + ADD_CHUNK).flatMap((data) => [String(data.index), JSON.stringify(data)]);
      await this.#redis.hset(keys.deferred, ...chunk);
    }
    for (let start = 0; start < queued.length; start += ADD_CHUNK) {
      await this.#queue.addBulk(queued.slice(start, start + ADD_CHUNK).map((data) => this.#jobOf(data)));
    }
    return batchId;
  }

  #jobOf(data: ItemData<I>) {
    return {
      name: "item",
      data,
      opts: {
        jobId: jobIdOf(data.batchId, data.index),
        attempts: this.#attempts,
        backoff: { type: "kaizen" },
        // The result lives in the batch's hash; the job itself is not needed once settled.
        removeOnComplete: true,
        removeOnFail: true,
      },
    };
  }

  /** Starts a worker in this process; it runs items of every batch of the queue until closed. */
  async work(agent: QueueAgent<I, O>, options: WorkOptions = {}): Promise<KaizenWorker<I, O>> {
    const worker = new KaizenWorker<I, O>(agent, {
      ...options,
      name: this.name,
      prefix: this.prefix,
      redis: this.#redis,
      queue: this.#queue,
      limiter: this.#limiter,
      tokens: this.#tokens,
      enqueue: async (data: ItemData<I>) => {
        const { name, opts } = this.#jobOf(data);
        await this.#queue.add(name, data, opts);
      },
      backoff: this.#backoff,
    });
    this.#workers.add(worker);
    await worker.ready();
    return worker;
  }

  async progress(batchId: string): Promise<BatchProgress> {
    const keys = this.#keys(batchId);
    const [meta, inFlight] = await Promise.all([this.#redis.hgetall(keys.meta), this.#redis.zcard(keys.inFlight)]);
    if (meta.total === undefined) throw new BatchNotFoundError(batchId, this.name);
    const total = Number(meta.total);
    const done = Number(meta.done ?? 0);
    const submittedAt = Number(meta.submittedAt ?? Date.now());
    const elapsedS = Math.max(0.001, (Date.now() - submittedAt) / 1000);
    return {
      total,
      done,
      failed: Number(meta.failed ?? 0),
      inFlight,
      waiting: Math.max(0, total - done - inFlight),
      cancelled: meta.cancelled === "1",
      submittedAt,
      itemsPerSecond: done / elapsedS,
    };
  }

  /** Waits until every item has settled, then returns them in input order, as `batchAsync` does. */
  async results(batchId: string, options: ResultsOptions = {}): Promise<QueueResult<O>[]> {
    const { signal, pollIntervalMs = 200 } = options;
    let progress = await this.progress(batchId);
    while (progress.done < progress.total) {
      await sleep(pollIntervalMs, signal);
      progress = await this.progress(batchId);
    }
    const raw = await this.#redis.hgetall(this.#keys(batchId).results);
    const results: QueueResult<O>[] = [];
    for (let index = 0; index < progress.total; index++) {
      results.push(JSON.parse(raw[String(index)] as string) as QueueResult<O>);
    }
    return results;
  }

  /**
   * Settles every item not yet settled as rejected with an AbortError and drops its job. An item
   * already running finishes, but its answer is not recorded: the batch's results are final now.
   */
  async cancel(batchId: string): Promise<void> {
    const keys = this.#keys(batchId);
    const total = Number(await this.#redis.hget(keys.meta, "total"));
    if (!Number.isFinite(total) || total === 0) {
      if ((await this.#redis.exists(keys.meta)) === 0) throw new BatchNotFoundError(batchId, this.name);
    }
    await this.#redis.hset(keys.meta, "cancelled", "1");
    const reason = JSON.stringify({
      status: "rejected",
      reason: serializeError(new AbortError(`The batch ${batchId} was cancelled before this item settled.`)),
    });
    const settled = new Set(await this.#redis.hkeys(keys.results));
    for (let start = 0; start < total; start += ADD_CHUNK) {
      const pending: Promise<unknown>[] = [];
      for (let index = start; index < Math.min(total, start + ADD_CHUNK); index++) {
        if (settled.has(String(index))) continue;
        pending.push(recordResult(this.#redis, keys, index, reason, true));
        // An active job is locked and stays; its worker sees the flag or loses the HSETNX race.
        pending.push(this.#queue.remove(jobIdOf(batchId, index)).catch(() => 0));
      }
      await Promise.all(pending);
    }
  }

  /** Removes a batch's progress and results from Redis (its jobs are gone once settled). */
  async forget(batchId: string): Promise<void> {
    const keys = this.#keys(batchId);
    await this.#redis.del(keys.meta, keys.results, keys.inFlight, keys.deferred);
  }

  /** Closes this process's workers (letting their running items finish), then the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#workers].map((w) => w.close()));
    await this.#queue.close();
    await this.#redis.quit().catch(() => undefined);
  }
}
