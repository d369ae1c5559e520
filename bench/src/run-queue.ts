// Issue 21's rows: @kaizen/queue throughput with 1, 2 and 4 worker processes on this machine, and
// the shared rate limiter's cost per item (the same batch with a limit that never binds vs none).
// Every run has a queue name and Redis prefix of its own, so parallel runs never share keys.
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { KaizenQueue, type KaizenQueueOptions, type RateLimitOptions } from "@kaizen/queue";
import { Child } from "./child-process.js";
import type { FakeLLM } from "./fake-llm.js";
import { median } from "./scenario.js";
import { question } from "./workload.js";

export interface QueueOptions {
  redisUrl: string;
  /** Items in the measured batch. */
  items: number;
  /** The fake LLM's latency for every worker's requests. */
  latencyMs: number;
  /** Worker process counts to measure. */
  workers: number[];
  /** Items each worker runs at once. */
  concurrency: number;
  /** Worker count of the limiter comparison. */
  limiterWorkers: number;
  /** Batches of each side of the limiter comparison, interleaved (medians are reported). */
  limiterReps: number;
}

export interface QueueRun {
  workers: number;
  concurrency: number;
  items: number;
  latencyMs: number;
  /** The rate limit the workers shared, if any. */
  rateLimit: RateLimitOptions | undefined;
  /** From the submit to the last settled result, read by the submitter. */
  wallMs: number;
  itemsPerSec: number;
  /** All workers' CPU over the measured batch (user + system), per item. */
  workerCpuMsPerItem: number;
  /** Summed over `reps` batches. */
  fulfilled: number;
  rejected: number;
  /** Batches this figure is the median of. */
  reps: number;
  firstError?: string;
}

/** High enough never to bind at any speed this machine reaches, so only its bookkeeping costs. */
export const NON_BINDING_LIMIT: RateLimitOptions = { requestsPerMinute: 10_000_000, tokensPerMinute: 10_000_000_000 };

let runs = 0;

async function workerCpuMs(worker: Child): Promise<number> {
  worker.send({ type: "cpu" });
  const m = await worker.waitFor("cpu");
  const u = m.usage as NodeJS.CpuUsage;
  return (u.user + u.system) / 1000;
}

/** Worker processes of one queue, started and warmed up, and the bench process's submitter. */
interface Pool {
  workers: number;
  rateLimit: RateLimitOptions | undefined;
  children: Child[];
  submitter: KaizenQueue<{ question: string }, { answer: string; confidence: number }>;
}

async function startPool(
  fake: FakeLLM,
  o: QueueOptions,
  workers: number,
  rateLimit: RateLimitOptions | undefined,
): Promise<Pool> {
  const stamp = `${process.pid}-${Date.now().toString(36)}-${runs++}`;
  const queueOptions: KaizenQueueOptions = {
    name: `bench-${stamp}`,
    prefix: `kaizen-bench-${stamp}`,
    connection: o.redisUrl,
    ...(rateLimit ? { rateLimit } : {}),
  };
  const pool: Pool = { workers, rateLimit, children: [], submitter: new KaizenQueue(queueOptions) };
  try {
    for (let w = 0; w < workers; w++) {
      const child = new Child("queue-worker-child");
      pool.children.push(child);
      child.send({
        type: "start",
        queue: queueOptions,
        concurrency: o.concurrency,
        baseUrl: fake.openaiBaseUrl,
        latencyMs: o.latencyMs,
      });
    }
    await Promise.all(pool.children.map((c) => c.waitFor("ready", 120_000)));
    // Warm-up: one full round per worker (JIT, connection pools, BullMQ's scripts loaded).
    const warm = await pool.submitter.submit(
      Array.from({ length: workers * o.concurrency }, (_, i) => ({ question: question(1_000_000 + i) })),
    );
    await pool.submitter.results(warm, { pollIntervalMs: 20 });
    await pool.submitter.forget(warm);
    return pool;
  } catch (err) {
    await stopPool(pool, o.redisUrl);
    throw err;
  }
}

async function stopPool(pool: Pool, redisUrl: string): Promise<void> {
  await Promise.all(pool.children.map((c) => c.stop(30_000)));
  await pool.submitter.close();
  // Everything under the run's own prefix (BullMQ's meta, events and id keys outlive the jobs).
  const redis = new Redis(redisUrl);
  try {
    const stream = redis.scanStream({ match: `${pool.submitter.prefix}:*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    await redis.quit();
  }
}

async function measureBatch(pool: Pool, o: QueueOptions): Promise<QueueRun> {
  const { children, submitter } = pool;
  const inputs = Array.from({ length: o.items }, (_, i) => ({ question: question(i) }));
  const cpu0 = await Promise.all(children.map(workerCpuMs));
  const t0 = performance.now();
  const batchId = await submitter.submit(inputs);
  const results = await submitter.results(batchId, { pollIntervalMs: 10 });
  const wallMs = performance.now() - t0;
  const cpu1 = await Promise.all(children.map(workerCpuMs));
  await submitter.forget(batchId);
  const cpuMs = cpu1.reduce((sum, c, i) => sum + c - (cpu0[i] ?? 0), 0);
  const rejected = results.filter((r) => r.status === "rejected");
  const run: QueueRun = {
    workers: pool.workers,
    concurrency: o.concurrency,
    items: o.items,
    latencyMs: o.latencyMs,
    rateLimit: pool.rateLimit,
    wallMs,
    itemsPerSec: (o.items / wallMs) * 1000,
    workerCpuMsPerItem: cpuMs / o.items,
    fulfilled: results.length - rejected.length,
    rejected: rejected.length,
    reps: 1,
  };
  const first = rejected[0];
  if (first?.status === "rejected") run.firstError = `${first.reason.code}: ${first.reason.message}`;
  return run;
}

/** Medians of wall and CPU over repetitions; counts are summed. */
function medianRun(rs: QueueRun[]): QueueRun {
  const first = rs[0];
  if (!first) throw new Error("medianRun of no runs");
  const wallMs = median(rs.map((r) => r.wallMs));
  const run: QueueRun = {
    ...first,
    wallMs,
    itemsPerSec: (first.items / wallMs) * 1000,
    workerCpuMsPerItem: median(rs.map((r) => r.workerCpuMsPerItem)),
    fulfilled: rs.reduce((n, r) => n + r.fulfilled, 0),
    rejected: rs.reduce((n, r) => n + r.rejected, 0),
    reps: rs.length,
  };
  const err = rs.find((r) => r.firstError !== undefined)?.firstError;
  if (err !== undefined) run.firstError = err;
  else delete run.firstError;
  return run;
}

export interface QueuePass {
  /** One run per worker count, no rate limit. */
  throughput: QueueRun[];
  /** The limiter comparison at `limiterWorkers`: the same batch without and with a non-binding limit. */
  limiter: { unlimited: QueueRun; limited: QueueRun };
}

export async function runQueue(fake: FakeLLM, o: QueueOptions, log: (line: string) => void): Promise<QueuePass> {
  await fake.setLatency(0);
  const describe = (r: QueueRun): string =>
    `${r.workers} worker(s)${r.rateLimit ? " with a non-binding rate limit" : ""}: ${r.itemsPerSec.toFixed(1)} items/s, ` +
    `wall ${r.wallMs.toFixed(0)} ms, worker cpu ${r.workerCpuMsPerItem.toFixed(3)} ms/item` +
    (r.rejected > 0 ? `, ${r.rejected} REJECTED (${r.firstError})` : "");
  const throughput: QueueRun[] = [];
  for (const workers of o.workers) {
    const pool = await startPool(fake, o, workers, undefined);
    try {
      const r = await measureBatch(pool, o);
      log(`[bench] queue ${describe(r)}`);
      throughput.push(r);
    } finally {
      await stopPool(pool, o.redisUrl);
    }
  }
  // Both pools at once, batches alternating, so drift on the machine hits both sides alike; the
  // idle pool's workers wait on Redis meanwhile, which costs next to nothing.
  const none = await startPool(fake, o, o.limiterWorkers, undefined);
  try {
    const limitedPool = await startPool(fake, o, o.limiterWorkers, NON_BINDING_LIMIT);
    try {
      const unlimitedRuns: QueueRun[] = [];
      const limitedRuns: QueueRun[] = [];
      for (let rep = 0; rep < o.limiterReps; rep++) {
        const u = await measureBatch(none, o);
        log(`[bench] queue ${describe(u)}`);
        unlimitedRuns.push(u);
        const l = await measureBatch(limitedPool, o);
        log(`[bench] queue ${describe(l)}`);
        limitedRuns.push(l);
      }
      return { throughput, limiter: { unlimited: medianRun(unlimitedRuns), limited: medianRun(limitedRuns) } };
    } finally {
      await stopPool(limitedPool, o.redisUrl);
    }
  } finally {
    await stopPool(none, o.redisUrl);
  }
}
