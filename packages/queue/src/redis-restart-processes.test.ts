// Redis goes away mid-batch and comes back on the same port: worker processes and the submitter
// reconnect by themselves, and every item of every acknowledged submit settles exactly once (with
// a Redis that keeps what it acknowledged; one that comes back empty has lost the batch, and says so).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer } from "@kaizen/testing";
import { BatchNotFoundError, KaizenQueue } from "./index.js";
import type { KaizenQueueOptions, QueueResult } from "./index.js";
import { startWorkerProcess, stopWorkerProcess } from "./__fixtures__/processes.js";
import type { ChildHandle } from "./__fixtures__/processes.js";
import { questions } from "./__fixtures__/qa-signature.js";
import type { QAInputs, QAOutputs } from "./__fixtures__/qa-signature.js";
import { startRedisServer } from "./__fixtures__/redis-server.js";
import type { RedisServer } from "./__fixtures__/redis-server.js";

let redis: RedisServer;
let server: FakeLLMServer;
let options: KaizenQueueOptions;
let queue: KaizenQueue<QAInputs, QAOutputs>;
const children: ChildHandle[] = [];
// A short lock: items whose worker lost Redis mid-run are taken over within seconds.
const work = { concurrency: 4, lockDurationMs: 2_000, stalledIntervalMs: 1_000 };

beforeAll(async () => {
  redis = await startRedisServer("aof");
  server = await startFakeLLMServer();
  options = { name: "restart", connection: redis.url };
  queue = new KaizenQueue<QAInputs, QAOutputs>(options);
  const started = await Promise.all(
    Array.from({ length: 2 }, () => startWorkerProcess({ queue: options, work, baseUrl: server.openaiBaseUrl, latencyMs: 20 })),
  );
  children.push(...started);
}, 60_000);
afterAll(async () => {
  await redis.restart().catch(() => undefined); // running, so that workers can close politely
  await Promise.all(children.map((c) => stopWorkerProcess(c)));
  await queue.close();
  await server.close();
  await redis.close();
}, 30_000);

function expectAnsweredOnce(results: QueueResult<QAOutputs>[], count: number) {
  expect(results).toHaveLength(count);
  results.forEach((result, i) => {
    expect(result.status).toBe("fulfilled");
    if (result.status === "fulfilled") expect(result.value.answer).toContain(`= ${i + 1000}`);
  });
}

describe("a Redis that goes away and comes back", () => {
  it("killed mid-batch and restarted on its port: workers and submitter reconnect, every item settles once", async () => {
    const first = await queue.submit(questions(120));
    let progress = await queue.progress(first);
    while (progress.done < 20) {
      await new Promise((r) => setTimeout(r, 20));
      progress = await queue.progress(first);
    }
    await redis.kill();
    expect(progress.done).toBeLessThan(120);
    // Submitted while Redis is down: the submit waits for it instead of failing.
    const second = queue.submit(questions(30));
    await new Promise((r) => setTimeout(r, 1_500));
    await redis.restart();

    const secondId = await second;
    expectAnsweredOnce(await queue.results(first, { pollIntervalMs: 50 }), 120);
    expectAnsweredOnce(await queue.results(secondId, { pollIntervalMs: 50 }), 30);
    // Once each: the counters agree with the results, though items cut off mid-run ran again.
    expect(await queue.progress(first)).toMatchObject({ total: 120, done: 120, failed: 0, inFlight: 0, waiting: 0 });
    expect(await queue.progress(secondId)).toMatchObject({ total: 30, done: 30, failed: 0, inFlight: 0, waiting: 0 });
    expect(server.requests.filter((r) => r.path.endsWith("/chat/completions")).length).toBeGreaterThanOrEqual(150);
  }, 45_000);

  it("a Redis that comes back empty (no persistence): the lost batch is reported, the workers take new ones", async () => {
    const bare = await startRedisServer("none");
    const bareOptions: KaizenQueueOptions = { name: "restart-empty", connection: bare.url };
    const submitter = new KaizenQueue<QAInputs, QAOutputs>(bareOptions);
    const worker = await startWorkerProcess({ queue: bareOptions, work, baseUrl: server.openaiBaseUrl, latencyMs: 20 });
    try {
      const lost = await submitter.submit(questions(200));
      await bare.kill();
      await bare.restart();
      await expect(submitter.results(lost)).rejects.toThrow(BatchNotFoundError);
      const next = await submitter.submit(questions(10));
      expectAnsweredOnce(await submitter.results(next, { pollIntervalMs: 50 }), 10);
    } finally {
      await stopWorkerProcess(worker);
      await submitter.close();
      await bare.close();
    }
  }, 30_000);
});
