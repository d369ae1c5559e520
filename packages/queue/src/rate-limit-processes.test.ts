// The shared rate limit across real worker processes: the fake server's arrival times are the
// judge, all three workers' requests together.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer } from "@kaizen/testing";
import { KaizenQueue } from "./index.js";
import type { KaizenQueueOptions } from "./index.js";
import { busiest } from "./__fixtures__/busiest.js";
import { isolatedPrefix, REDIS_URL } from "./__fixtures__/isolated-queue.js";
import { startWorkerProcess, stopWorkerProcess } from "./__fixtures__/processes.js";
import type { ChildHandle } from "./__fixtures__/processes.js";
import { questions } from "./__fixtures__/qa-signature.js";
import type { QAInputs, QAOutputs } from "./__fixtures__/qa-signature.js";

const prefix = isolatedPrefix("rate");
const options: KaizenQueueOptions = { name: "limited", connection: REDIS_URL, prefix, rateLimit: { requestsPerMinute: 600 } };
let server: FakeLLMServer;
let queue: KaizenQueue<QAInputs, QAOutputs>;
const children: ChildHandle[] = [];

beforeAll(async () => {
  server = await startFakeLLMServer();
  queue = new KaizenQueue<QAInputs, QAOutputs>(options);
  const started = await Promise.all(
    Array.from({ length: 3 }, () =>
      startWorkerProcess({ queue: options, work: { concurrency: 8 }, baseUrl: server.openaiBaseUrl, latencyMs: 2 }),
    ),
  );
  children.push(...started);
}, 120_000);
afterAll(async () => {
  await Promise.all(children.map((c) => stopWorkerProcess(c)));
  await queue.close();
  await server.close();
});

describe("rateLimit across worker processes", () => {
  it("600 requests/minute over 3 workers: the server never sees more than a sixth of it in any 10 s", async () => {
    server.clearRequests();
    const batchId = await queue.submit(questions(110));
    const results = await queue.results(batchId, { pollIntervalMs: 100 });
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);

    const times = server.requests.filter((r) => r.path.endsWith("/chat/completions")).map((r) => ({ at: r.receivedAt }));
    expect(times).toHaveLength(110);
    // Unlimited, 24 slots in flight would answer 110 items in well under a second.
    // Job starts: at most 11 one-second windows of 9 in any 10 s (99). Arrivals: a window's jobs
    // that a busy machine started late land beside the next window's, so one window more (108),
    // the same slack the 900 ms check below allows; still short of the 110 an unlimited run sends.
    expect(busiest(times, 10_000)).toBeLessThanOrEqual(108);
    expect(busiest(times, 60_000)).toBeLessThanOrEqual(600);
    // Spread evenly, not one burst: two one-second windows of 9 at most, with a little slack for
    // requests that left together but arrived apart.
    expect(busiest(times, 900)).toBeLessThanOrEqual(18);
    const at = times.map((t) => t.at);
    expect(Math.max(...at) - Math.min(...at)).toBeGreaterThanOrEqual(10_000);
  }, 90_000);
});
