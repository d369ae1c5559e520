import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OrderedAppender, isAnswered, readExistingResults, writeFinalResults, type ResultRecord } from "./results.js";
import { formatSummary, percentile, summarize } from "./summary.js";

const dir = mkdtempSync(join(tmpdir(), "kaizen-batch-results-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ok = (id: string, latencyMs: number, costUsd?: number): ResultRecord => ({
  id,
  question: `q${id}`,
  status: "ok",
  answer: "a",
  confidence: 0.5,
  latencyMs,
  usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
  ...(costUsd === undefined ? {} : { costUsd }),
});

describe("summary", () => {
  it("counts cancelled items apart from failures and leaves them out of the latencies", () => {
    const records: ResultRecord[] = [
      ok("1", 400),
      ok("2", 600),
      { id: "3", question: "q3", status: "error", error: "x", latencyMs: 500 },
      { id: "4", question: "q4", status: "cancelled", latencyMs: 0 },
      { id: "5", question: "q5", status: "cancelled", latencyMs: 1 },
      { id: "6", question: "q6", status: "cancelled", latencyMs: 2 },
    ];
    const s = summarize(records, 6, 0, 1000);
    expect(s).toMatchObject({ answered: 2, failed: 1, cancelled: 3, p50LatencyMs: 500, p95LatencyMs: 600 });
    expect(formatSummary(s, "out.jsonl")).toContain("2 answered, 1 failed, 3 cancelled (re-run to ask them), 0 skipped");
  });

  it("percentile is nearest-rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it("sums tokens and cost over successful items and counts failures", () => {
    const records: ResultRecord[] = [
      ok("1", 100, 0.001),
      ok("2", 300, 0.002),
      { id: "3", question: "q3", status: "error", error: "x", latencyMs: 50 },
    ];
    const s = summarize(records, 5, 2, 1234);
    expect(s).toMatchObject({
      total: 5,
      skipped: 2,
      answered: 2,
      failed: 1,
      totalTokens: 30,
      p50LatencyMs: 100,
      p95LatencyMs: 300,
    });
    expect(s.costUsd).toBeCloseTo(0.003);
    expect(formatSummary(s, "out.jsonl")).toContain("summary: 5 questions: 2 answered, 1 failed, 2 skipped");
    expect(formatSummary(summarize([ok("1", 1)], 1, 0, 1), "o")).toContain("cost: n/a");
  });
});

describe("results file", () => {
  it("appends in input order whatever the completion order, and reads back the last record per id", () => {
    const path = join(dir, "order.jsonl");
    const appender = new OrderedAppender(path);
    appender.add(2, ok("c", 1));
    appender.add(1, ok("b", 1));
    expect(readExistingResults(path).size).toBe(0);
    appender.add(0, ok("a", 1));
    expect([...readExistingResults(path).keys()]).toEqual(["a", "b", "c"]);
  });

  it("ignores a torn last line and rewrites one line per item in input order", () => {
    const path = join(dir, "final.jsonl");
    const appender = new OrderedAppender(path);
    appender.add(0, { id: "b", question: "qb", status: "error", error: "x", latencyMs: 1 });
    appender.add(1, ok("a", 1));
    appender.add(2, ok("b", 1));
    const existing = readExistingResults(path);
    expect(existing.get("b")?.status).toBe("ok");
    expect(isAnswered({ id: "b", question: "qb" }, existing)).toBe(true);
    expect(isAnswered({ id: "b", question: "changed" }, existing)).toBe(false);
    writeFinalResults(
      path,
      [
        { id: "a", question: "qa" },
        { id: "b", question: "qb" },
        { id: "z", question: "qz" },
      ],
      existing,
    );
    expect(
      readFileSync(path, "utf8")
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { id: string }).id),
    ).toEqual(["a", "b"]);
  });
});
