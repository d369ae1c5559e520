// Issue 21's rows: @kaizen/queue throughput with 1, 2 and 4 worker processes on this machine, and
// the shared rate limiter's cost per item (the same batch with a limit that never binds vs none).
// Every run has a queue name and Redis prefix of its own, so parallel runs never share keys.
import { performance } from "node:perf_hooks";
import { KaizenQueue, type KaizenQueueOptions, type RateLimitOptions } from "@kaizen/queue";
import { Child } from "./child-process.js";
import type { FakeLLM } from "./fake-llm.js";
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
  fulfilled: number;
  rejected: number;
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

async function measureBatch(
  fake: FakeLLM,
  o: QueueOptions,
  workers: number,
  rateLimit: RateLimitOptions | undefined,
): Promise<QueueRun> {
  const stamp = `${process.pid}-${Date.now().toString(36)}-${runs++}`;
  const queueOptions: KaizenQueueOptions = {
    name: `bench-${stamp}`,
    prefix: `kaizen-bench-${stamp}`,
    connection: o.redisUrl,
    ...(rateLimit ? { rateLimit } : {}),
  };
  const children: Child[] = [];
  const submitter = new KaizenQueue<{ question: string }, { answer: string; confidence: number }>(queueOptions);
  try {
    for (let w = 0; w < workers; w++) {
      const child = new Child("queue-worker-child");
      children.push(child);
      child.send({
        type: "start",
        queue: queueOptions,
        concurrency: o.concurrency,
        baseUrl: fake.openaiBaseUrl,
        latencyMs: o.latencyMs,
      });
    }
    await Promise.all(children.map((c) => c.waitFor("ready", 120_000)));
    // Warm-up: one full round per worker (JIT, connection pools, BullMQ's scripts loaded).
    const warm = await submitter.submit(
      Array.from({ length: workers * o.concurrency }, (_, i) => ({ question: question(1_000_000 + i) })),
    );
    await submitter.results(warm, { pollIntervalMs: 20 });
    await submitter.forget(warm);

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
      workers,
      concurrency: o.concurrency,
      items: o.items,
      latencyMs: o.latencyMs,
      rateLimit,
      wallMs,
      itemsPerSec: (o.items / wallMs) * 1000,
      workerCpuMsPerItem: cpuMs / o.items,
      fulfilled: results.length - rejected.length,
      rejected: rejected.length,
    };
    const first = rejected[0];
    if (first?.status === "rejected") run.firstError = `${first.reason.code}: ${first.reason.message}`;
    return run;
  } finally {
    await Promise.all(children.map((c) => c.stop(30_000)));
    await submitter.close();
  }
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
    const r = await measureBatch(fake, o, workers, undefined);
    log(`[bench] queue ${describe(r)}`);
    throughput.push(r);
  }
  const unlimited = await measureBatch(fake, o, o.limiterWorkers, undefined);
  log(`[bench] queue ${describe(unlimited)}`);
  const limited = await measureBatch(fake, o, o.limiterWorkers, NON_BINDING_LIMIT);
  log(`[bench] queue ${describe(limited)}`);
  return { throughput, limiter: { unlimited, limited } };
}
