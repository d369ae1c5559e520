// --queue and the worker subcommand, as real processes: one `kaizen-batch worker` against the fake
// LLM server, and the submitting `kaizen-batch --queue` with no model at all, over the real Redis.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLLMServer, type FakeLLMServer, type RecordedRequest } from "@kaizen/testing";
import { runBatch, startBatch, type RunningBatch } from "./test-support/run-batch.js";

const REDIS_URL = "redis://127.0.0.1:6379";
const KEY = "sk-test-batch-queue-0123456789abcdef";
// A queue of this file's own, its keys removed afterwards.
const queueName = `batch-test-${randomUUID().slice(0, 8)}`;
const queueArgs = ["--queue", REDIS_URL, "--queue-name", queueName];
let fake: FakeLLMServer;
let worker: RunningBatch;
let dir: string;

beforeAll(async () => {
  fake = await startFakeLLMServer({ latencyMs: 20 });
  worker = await startBatch(
    ["worker", ...queueArgs, "--concurrency", "4", "--requests-per-minute", "6000"],
    { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseUrl },
    "kaizen-batch worker: ready",
  );
}, 90_000);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kaizen-batch-queue-"));
  fake.resetScript();
  fake.clearRequests();
});
afterAll(async () => {
  const stopped = await worker?.stop();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
  const redis = new Redis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: `kaizen:${queueName}:*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    await redis.quit();
  }
  // SIGTERM lets it finish and exit cleanly.
  expect(stopped?.code).toBe(0);
}, 30_000);

const chatRequests = () => fake.requests.filter((r) => r.path.endsWith("/chat/completions"));
const asked = (r: RecordedRequest, text: string) => JSON.stringify(r.body).includes(text);
const readResults = (path: string) =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("kaizen-batch --queue with a kaizen-batch worker", () => {
  it("the worker answers the submitted file; the submitter shows progress and writes results in input order", async () => {
    const input = join(dir, "questions.jsonl");
    const out = join(dir, "results.jsonl");
    const questions = Array.from({ length: 20 }, (_, i) => ({ id: `q${i + 1}`, question: `What is ${i}+${i}?` }));
    writeFileSync(input, questions.map((q) => JSON.stringify(q)).join("\n") + "\n");

    // No key: the submitter asks no model, only Redis.
    const run = await runBatch([input, "--out", out, ...queueArgs]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`on the workers of queue "${queueName}" at redis://127.0.0.1:6379`);
    expect(run.stderr).toMatch(/submitted as batch [0-9a-f-]{36}/);
    expect(run.stderr).toContain("progress: 20/20 (100%), 0 failed");
    expect(run.stderr).toContain("summary: 20 questions: 20 answered, 0 failed, 0 skipped");
    expect(run.stderr).toMatch(/tokens: [1-9]\d* \(input \d+, output \d+\)/);
    const results = readResults(out);
    expect(results.map((r) => r["id"])).toEqual(questions.map((q) => q.id));
    results.forEach((r, i) => {
      expect(r).toMatchObject({ status: "ok", question: `What is ${i}+${i}?`, attempts: 1 });
      expect(String(r["answer"])).toContain(String(i + i));
      expect(r["usage"]).toMatchObject({ totalTokens: expect.any(Number) as number });
      expect(typeof r["latencyMs"]).toBe("number");
    });
    // The worker (its key, its fake server) asked each question once.
    expect(chatRequests()).toHaveLength(20);
    expect(chatRequests().every((r) => r.headers["authorization"] !== undefined)).toBe(true);
  }, 60_000);

  it("a question that fails on the worker is an error line and exit 1; the re-run submits only that one", async () => {
    const input = join(dir, "questions.txt");
    const out = join(dir, "results.jsonl");
    writeFileSync(input, ["What is 1+1?", "What is 2+2?", "What is 3+3?"].join("\n") + "\n");
    fake.fault({ type: "auth" }, { match: (r) => asked(r, "What is 2+2?") });

    const first = await runBatch([input, "--out", out, ...queueArgs]);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("summary: 3 questions: 2 answered, 1 failed, 0 skipped");
    const lines = readResults(out);
    expect(lines.map((r) => r["status"])).toEqual(["ok", "error", "ok"]);
    expect(String(lines[1]?.["error"])).toMatch(/^AuthenticationError: /);
    expect(first.stderr + readFileSync(out, "utf8")).not.toContain(KEY);

    fake.clearRequests();
    const again = await runBatch([input, "--out", out, ...queueArgs]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("summary: 3 questions: 1 answered, 0 failed, 2 skipped");
    expect(chatRequests()).toHaveLength(1);
    expect(asked(chatRequests()[0] as RecordedRequest, "What is 2+2?")).toBe(true);
  }, 60_000);

  it("worker without --queue, or a --queue that is no Redis URL, is a usage error (exit 2)", async () => {
    const noQueue = await runBatch(["worker"]);
    expect(noQueue.code).toBe(2);
    expect(noQueue.stderr).toContain("worker needs --queue redis://");
    const badUrl = await runBatch(["worker", "--queue", "http://127.0.0.1:6379"]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain("--queue must start with redis:// or rediss://");
  }, 60_000);
});
