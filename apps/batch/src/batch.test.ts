import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLLMServer, type FakeLLMServer, type RecordedRequest } from "@kaizen/testing";
import { runBatch } from "./test-support/run-batch.js";

const KEY = "sk-test-batch-0123456789abcdefghij";
let fake: FakeLLMServer;
let dir: string;
const dirs: string[] = [];
let env: Record<string, string>;
beforeAll(async () => {
  fake = await startFakeLLMServer({ latencyMs: 50 });
  env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseUrl };
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kaizen-batch-"));
  dirs.push(dir);
  fake.resetScript();
  fake.clearRequests();
});
afterAll(async () => {
  await fake?.close();
});

const chatRequests = () => fake.requests.filter((r) => r.path.endsWith("/chat/completions"));
const readResults = (path: string) =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const asked = (r: RecordedRequest, text: string) => JSON.stringify(r.body).includes(text);

describe("kaizen-batch (a real process against the fake LLM server)", () => {
  it("answers a JSONL file concurrently, writes results in input order, and prints a summary", async () => {
    const input = join(dir, "questions.jsonl");
    const out = join(dir, "results.jsonl");
    const questions = Array.from({ length: 12 }, (_, i) => ({ id: `q${i + 1}`, question: `What is ${i}+${i}?` }));
    writeFileSync(input, questions.map((q) => JSON.stringify(q)).join("\n") + "\n");

    const run = await runBatch([input, "--out", out, "--concurrency", "4"], env);
    expect(run.stderr).not.toContain(KEY);
    expect(run.code).toBe(0);
    const results = readResults(out);
    expect(results.map((r) => r["id"])).toEqual(questions.map((q) => q.id));
    results.forEach((r, i) => {
      expect(r).toMatchObject({ status: "ok", question: `What is ${i}+${i}?` });
      expect(String(r["answer"])).toContain(String(i + i));
      expect(typeof r["confidence"]).toBe("number");
      expect(typeof r["latencyMs"]).toBe("number");
      expect(r["usage"]).toMatchObject({ totalTokens: expect.any(Number) as number });
    });
    expect(chatRequests()).toHaveLength(12);
    expect(run.stderr).toContain("summary: 12 questions: 12 answered, 0 failed, 0 skipped");
    expect(run.stderr).toMatch(/latency: p50 \d+ ms, p95 \d+ ms/);
    expect(run.stderr).toMatch(/tokens: [1-9]\d* \(input \d+, output \d+\)/);
    expect(run.stderr).toMatch(/cost: \$\d+\.\d+/);
    // Not a terminal: progress as plain lines, ending at 100%.
    expect(run.stderr).toContain("progress: 12/12 (100%), 0 failed");
  }, 60_000);

  it("keeps --concurrency questions in flight: 10 questions at 300 ms each take far less than 10 latencies", async () => {
    const input = join(dir, "slow.txt");
    writeFileSync(input, Array.from({ length: 10 }, (_, i) => `What is ${i}*2?`).join("\n"));
    fake.setLatency(300);
    try {
      const run = await runBatch([input, "--out", join(dir, "slow.jsonl"), "--concurrency", "10"], env);
      expect(run.code).toBe(0);
      const seconds = Number(/answered, 0 failed, 0 skipped \(already answered\) in ([\d.]+) s/.exec(run.stderr)?.[1]);
      // Sequential would be 3 s or more; loose bound for a loaded CI machine.
      expect(seconds).toBeLessThan(1.5);
    } finally {
      fake.setLatency(50);
    }
  }, 60_000);

  it("resumes: a re-run answers only what the output file does not hold yet", async () => {
    const input = join(dir, "questions.txt");
    const out = join(dir, "out.jsonl");
    writeFileSync(input, "What is 1+1?\nWhat is 2+2?\n\nWhat is 3+3?\n");
    expect((await runBatch([input, "--out", out], env)).code).toBe(0);
    expect(readResults(out)).toHaveLength(3);

    writeFileSync(input, "What is 1+1?\nWhat is 2+2?\nWhat is 3+3?\nWhat is 4+4?\nWhat is 5+5?\n");
    fake.clearRequests();
    const second = await runBatch([input, "--out", out], env);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("summary: 5 questions: 2 answered, 0 failed, 3 skipped");
    expect(chatRequests()).toHaveLength(2);
    expect(chatRequests().every((r) => asked(r, "What is 4+4?") || asked(r, "What is 5+5?"))).toBe(true);
    const results = readResults(out);
    expect(results.map((r) => r["question"])).toEqual([
      "What is 1+1?",
      "What is 2+2?",
      "What is 3+3?",
      "What is 4+4?",
      "What is 5+5?",
    ]);
    expect(String(results[4]?.["answer"])).toContain("10");
  }, 60_000);

  it("exits non-zero when an item fails, records the error, and a re-run retries only that item", async () => {
    const input = join(dir, "questions.csv");
    const out = join(dir, "out.jsonl");
    writeFileSync(input, 'id,question\na,"What is 6*7?"\nb,"Please FAIL, politely"\nc,What is 9-3?\n');
    fake.fault({ type: "auth" }, { times: 10, match: (r) => asked(r, "FAIL") });
    const first = await runBatch([input, "--out", out], env);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("summary: 3 questions: 2 answered, 1 failed, 0 skipped");
    expect(first.stderr).not.toContain(KEY);
    const results = readResults(out);
    expect(results.map((r) => [r["id"], r["status"]])).toEqual([
      ["a", "ok"],
      ["b", "error"],
      ["c", "ok"],
    ]);
    expect(String(results[1]?.["error"])).toMatch(/^AuthenticationError: /);
    expect(JSON.stringify(results)).not.toContain(KEY);

    fake.resetScript();
    fake.clearRequests();
    const second = await runBatch([input, "--out", out], env);
    expect(second.code).toBe(0);
    expect(chatRequests()).toHaveLength(1);
    expect(readResults(out).map((r) => r["status"])).toEqual(["ok", "ok", "ok"]);
  }, 60_000);

  it("runs without any key on the fake LLM server it starts itself", async () => {
    const input = join(dir, "q.txt");
    const out = join(dir, "r.jsonl");
    writeFileSync(input, "What is 2+2?\n");
    const run = await runBatch([input, "--out", out, "--no-progress"], {});
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("FAKE LLM server");
    expect(String(readResults(out)[0]?.["answer"])).toContain("4");
  }, 60_000);

  it("exits 2 with the usage on bad arguments", async () => {
    const run = await runBatch(["--concurrency", "zero", "x.jsonl"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--concurrency must be a whole number");
    const none = await runBatch([], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: kaizen-batch");
  }, 60_000);
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("kaizen-batch on Ctrl-C", () => {
  it("reports the items it did not get to as cancelled, not failed; the bar stops where it was", async () => {
    const slow = await startFakeLLMServer({ latencyMs: 300 });
    try {
      const input = join(dir, "questions.jsonl");
      const out = join(dir, "results.jsonl");
      const questions = Array.from({ length: 20 }, (_, i) => ({ id: `q${i + 1}`, question: `What is ${i}+${i}?` }));
      writeFileSync(input, questions.map((q) => JSON.stringify(q)).join("\n") + "\n");
      const run = await runBatch(
        [input, "--out", out, "--concurrency", "2"],
        { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: slow.openaiBaseUrl },
        "progress: 2/20",
      );
      expect(run.stderr).toContain("interrupted");
      expect(run.code).toBe(1);
      const summary = /summary: 20 questions: (\d+) answered, (\d+) failed, (\d+) cancelled/.exec(run.stderr);
      expect(summary, run.stderr).not.toBeNull();
      const [answered, failed, cancelled] = summary!.slice(1).map(Number) as [number, number, number];
      expect(failed).toBe(0);
      expect(answered).toBeGreaterThanOrEqual(2);
      expect(cancelled).toBeGreaterThan(0);
      expect(answered + cancelled).toBe(20);
      expect(run.stderr).not.toContain("(100%)");
      // p50 over the answered items only: about one fake latency, not 0 ms.
      const p50 = Number(/latency: p50 (\d+) ms/.exec(run.stderr)?.[1]);
      expect(p50).toBeGreaterThanOrEqual(250);
      const statuses = readResults(out).map((r) => r["status"]);
      expect(statuses.filter((s) => s === "cancelled")).toHaveLength(cancelled);
      expect(statuses).not.toContain("error");
    } finally {
      await slow.close();
    }
  }, 60_000);
});
