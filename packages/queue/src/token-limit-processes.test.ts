// Tokens per minute across real worker processes: a metering proxy in front of the fake LLM
// server books each answer's reported usage at its request's arrival, and that is the judge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer } from "@kaizen/testing";
import { KaizenQueue } from "./index.js";
import type { KaizenQueueOptions } from "./index.js";
import { busiest } from "./__fixtures__/busiest.js";
import { isolatedPrefix, REDIS_URL } from "./__fixtures__/isolated-queue.js";
import { estimateTokens } from "./estimate-tokens.js";
import { startMeteringProxy } from "./__fixtures__/metering-proxy.js";
import type { MeteringProxy } from "./__fixtures__/metering-proxy.js";
import { startWorkerProcess, stopWorkerProcess } from "./__fixtures__/processes.js";
import type { ChildHandle } from "./__fixtures__/processes.js";
import { QASignature, questions } from "./__fixtures__/qa-signature.js";
import type { QAInputs, QAOutputs } from "./__fixtures__/qa-signature.js";

const TPM = 36_600; // a bucket of 600 tokens, refilled at 600 a second
const prefix = isolatedPrefix("token-rate");
const options: KaizenQueueOptions = { name: "token-limited", connection: REDIS_URL, prefix, rateLimit: { tokensPerMinute: TPM } };
let server: FakeLLMServer;
let proxy: MeteringProxy;
let queue: KaizenQueue<QAInputs, QAOutputs>;
const children: ChildHandle[] = [];

beforeAll(async () => {
  server = await startFakeLLMServer();
  proxy = await startMeteringProxy(server.openaiBaseUrl);
  queue = new KaizenQueue<QAInputs, QAOutputs>(options);
  const started = await Promise.all(
    Array.from({ length: 2 }, () =>
      startWorkerProcess({ queue: options, work: { concurrency: 8 }, baseUrl: proxy.baseUrl, latencyMs: 2, maxTokens: 300 }),
    ),
  );
  children.push(...started);
}, 120_000);
afterAll(async () => {
  await Promise.all(children.map((c) => stopWorkerProcess(c)));
  await queue.close();
  await proxy.close();
  await server.close();
});

describe("rateLimit.tokensPerMinute across worker processes", () => {
  it(`${TPM} tokens/minute over 2 workers: the provider never sees more than a sixth of it in any 10 s`, async () => {
    const batchId = await queue.submit(questions(80));
    const results = await queue.results(batchId, { pollIntervalMs: 100 });
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);

    const calls = proxy.calls.map((c) => ({ at: c.receivedAt, weight: c.totalTokens }));
    expect(calls).toHaveLength(80);
    const total = calls.reduce((sum, c) => sum + c.weight, 0);
    const tenSeconds = busiest(calls, 10_000);
    // The bucket's bound: 600 at the start plus 600 a second refilled, 11/61 of the minute's.
    expect(tenSeconds).toBeLessThanOrEqual((TPM * 11) / 61);
    const at = calls.map((c) => c.at);
    // Spread, not one burst: unlimited, 16 slots answer 80 items in well under a second.
    expect(Math.max(...at) - Math.min(...at)).toBeGreaterThanOrEqual(10_000);

    // The estimate (prompt / 4 + maxTokens 300) is far above what an answer uses, so only the
    // corrections after each call let the busiest 10 s come near the budget: estimates alone
    // would fill it to well under half.
    const estimate = estimateTokens(
      { runAsync: () => Promise.resolve({}), signature: new QASignature(), config: { maxTokens: 300 } },
      questions(1)[0],
    );
    expect(estimate).toBeGreaterThan((2.5 * total) / calls.length);
    expect(tenSeconds).toBeGreaterThan(0.6 * ((TPM * 11) / 61));
  }, 90_000);
});
