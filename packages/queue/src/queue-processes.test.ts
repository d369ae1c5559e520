// Real Redis, real worker processes (node + tsx, each its own BullMQ worker and OpenAI SDK client)
// and the fake LLM server over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer } from "@kaizen/testing";
import { KaizenQueue } from "./index.js";
import type { BatchProgress, KaizenQueueOptions } from "./index.js";
import { isolatedPrefix, REDIS_URL } from "./__fixtures__/isolated-queue.js";
import { readProgressElsewhere, startWorkerProcess, stopWorkerProcess } from "./__fixtures__/processes.js";
import type { ChildHandle } from "./__fixtures__/processes.js";
import { questions } from "./__fixtures__/qa-signature.js";
import type { QAInputs, QAOutputs } from "./__fixtures__/qa-signature.js";

const prefix = isolatedPrefix("processes");
let server: FakeLLMServer;
const children: ChildHandle[] = [];
const queues: KaizenQueue<QAInputs, QAOutputs>[] = [];

const options: KaizenQueueOptions = { name: "answers", connection: REDIS_URL, prefix };
// A short lock, so a dead worker's items are taken over within seconds, not the default 30 s.
const work = { concurrency: 6, lockDurationMs: 2_000, stalledIntervalMs: 1_000 };

// Worker processes take seconds to start on a busy machine, so one set of three serves the file.
beforeAll(async () => {
  server = await startFakeLLMServer();
  const started = await Promise.all(
    Array.from({ length: 3 }, () => startWorkerProcess({ queue: options, work, baseUrl: server.openaiBaseUrl, latencyMs: 5 })),
  );
  children.push(...started);
}, 120_000);
afterAll(async () => {
  await Promise.all(children.map((c) => stopWorkerProcess(c)));
  await Promise.all(queues.map((q) => q.close()));
  await server.close();
});

function openQueue(options: KaizenQueueOptions): KaizenQueue<QAInputs, QAOutputs> {
  const queue = new KaizenQueue<QAInputs, QAOutputs>(options);
  queues.push(queue);
  return queue;
}

const chatRequests = () => server.requests.filter((r) => r.path.endsWith("/chat/completions"));

function expectAnsweredInOrder(results: Awaited<ReturnType<KaizenQueue<QAInputs, QAOutputs>["results"]>>, count: number) {
  expect(results).toHaveLength(count);
  results.forEach((result, i) => {
    expect(result.status).toBe("fulfilled");
    if (result.status === "fulfilled") expect(result.value.answer).toContain(`= ${i + 1000}`);
  });
}

describe("KaizenQueue across worker processes", () => {
  it("3 worker processes answer a 300-item batch, settled in input order", async () => {
    const queue = openQueue(options);
    server.clearRequests();
    const batchId = await queue.submit(questions(300));
    const results = await queue.results(batchId, { pollIntervalMs: 50 });
    expectAnsweredInOrder(results, 300);
    // Once each: no item was run twice when no worker died.
    expect(chatRequests()).toHaveLength(300);
    const progress = (await readProgressElsewhere(options, batchId)) as BatchProgress;
    expect(progress).toMatchObject({ total: 300, done: 300, failed: 0, inFlight: 0, waiting: 0, cancelled: false });
  }, 60_000);

  it("a worker killed with SIGKILL mid-batch loses nothing: its items run elsewhere, each settles once", async () => {
    const victim = children[0] as ChildHandle;
    const queue = openQueue(options);
    server.clearRequests();
    // A third of the items in ten sessions, so the kill may land inside a session's chain too.
    const batchId = await queue.submit(questions(300), { sessionId: (_, i) => (i % 3 === 0 ? `s${i % 10}` : undefined) });
    let progress = await queue.progress(batchId);
    while (progress.done < 30) {
      await new Promise((r) => setTimeout(r, 20));
      progress = await queue.progress(batchId);
    }
    victim.child.kill("SIGKILL");
    expect((await victim.exited).signal).toBe("SIGKILL");

    // A fourth process reads the batch mid-way: started, unfinished, the dead worker's items in flight.
    const midway = (await readProgressElsewhere(options, batchId)) as BatchProgress;
    expect(midway.total).toBe(300);
    expect(midway.done).toBeGreaterThanOrEqual(30);
    expect(midway.done + midway.inFlight + midway.waiting).toBe(300);

    const results = await queue.results(batchId, { pollIntervalMs: 50 });
    expectAnsweredInOrder(results, 300);
    const final = await queue.progress(batchId);
    expect(final).toMatchObject({ total: 300, done: 300, failed: 0, inFlight: 0, waiting: 0 });
    // Items the killed worker had in flight are asked again, so the server may see more requests than
    // items (not always: on a fast machine the kill can land between items); never fewer.
    expect(chatRequests().length).toBeGreaterThanOrEqual(300);
  }, 90_000);
});
