// The smoke test that keeps the bench from rotting: the whole harness at tiny sizes (every child
// process kind, the real agent, the real fake server, autocannon), then the tables and files.
// It checks shapes and sanity, never speed.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { runBench, type Aggregate, type BenchResults } from "./bench.js";
import { BEGIN, END, updateDocs, writeResults } from "./output.js";
import { callgrindAvailable } from "./run-callgrind.js";
import { sheddingTable } from "./run-shedding.js";
import {
  concurrencyTable,
  loadTable,
  markdownReport,
  overheadTable,
  limiterTable,
  massConcurrencyTable,
  queueTable,
  summaryTable,
  targets,
  toolCycleTable,
  streamTable,
  instructionsTable,
  chatCompareTable,
  memoryTable,
} from "./report.js";

const dir = await mkdtemp(join(tmpdir(), "kaizen-bench-"));
// Inside the package, so the compiled files resolve its node_modules.
const compiled = join(fileURLToPath(new URL("..", import.meta.url)), "node_modules", ".cache", `bench-smoke-${process.pid}`);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(compiled, { recursive: true, force: true });
});

/** The bench compiled to JS (for the children that run under valgrind). */
function compileBench(): string {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", compiled], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: "inherit",
  });
  return compiled;
}

function expectSane(a: Aggregate, latencyMs: number): void {
  expect(a.failed, a.firstError).toBe(0);
  expect(a.ok).toBe(a.spec.calls * a.reps);
  // A burst cannot finish before one latency has passed.
  expect(a.wallMs).toBeGreaterThanOrEqual(latencyMs);
  expect(a.cpuMsPerCall).toBeGreaterThan(0);
  expect(Number.isFinite(a.cpuMsPerCall)).toBe(true);
  expect(a.rssPeakMb).toBeGreaterThan(10);
  expect(a.rssPeakMb).toBeGreaterThanOrEqual(a.rssStartMb);
}

describe("the bench harness at tiny sizes", () => {
  let results: BenchResults;

  it("measures every contender, the overhead pass and the load test without a failed call", async () => {
    results = await runBench({
      latencyMs: 10,
      sizes: [1, 5],
      syncSizes: [1],
      syncExtrapolation: { calls: 4, latencyMs: 5 },
      reps: 1,
      largestSizeReps: 1,
      warmupCalls: 2,
      overhead: { calls: 20, concurrency: 5, sequentialCalls: 5, reps: 1, steadyWarmupCalls: 4 },
      toolCycle: { calls: 10, concurrency: 5, reps: 1 },
      stream: { calls: 10, concurrency: 5, sequentialCalls: 5, reps: 1 },
      chatCompare: { latencyMs: 10, connections: [4, 8], durationSec: 1, warmupRequests: 3 },
      memory: {
        backends: ["sqlite", "redis", "postgres"],
        appends: 20,
        sessions: 4,
        loads: 8,
        loadTurns: 3,
        concurrency: 4,
        loadConcurrency: 1,
        warmup: 4,
        reps: 1,
        redisUrl: "redis://127.0.0.1:6379",
        postgresUrl: "postgres://postgres@127.0.0.1:5432/test",
      },
      // Under valgrind the TypeScript loader would cost minutes: the children run the compiled bench.
      instructions: { modes: ["floor", "async"], calls: 3, concurrency: 2, warmupCalls: 2, compiledDir: compileBench() },
      massConcurrency: { calls: 50, latencyMs: 10 },
      queue: {
        redisUrl: "redis://127.0.0.1:6379",
        items: 12,
        latencyMs: 10,
        workers: [1, 2],
        concurrency: 2,
        limiterWorkers: 1,
        limiterReps: 1,
      },
      load: { latencyMs: 10, connections: 4, durationSec: 1 },
      shedding: { latencyMs: 10, connections: 20, durationSec: 1 },
      log: () => undefined,
    });
    expect(results.failures).toEqual([]);
    expect(results.concurrency.map((r) => r.size)).toEqual([1, 5]);
    for (const row of results.concurrency) {
      expectSane(row.raw, 10);
      expectSane(row.async, 10);
    }
    const [single, five] = results.concurrency;
    expect(single?.sync && "extrapolated" in single.sync).toBe(false);
    // 5 queued calls are extrapolated from 4 calls measured at 5 ms: at least 5 latencies.
    expect(five?.sync && "extrapolated" in five.sync && five.sync.wallMs).toBeGreaterThanOrEqual(50);
    const o = results.overhead;
    for (const a of [o.raw, o.async, o.rawLean, o.floor, o.asyncEarly, o.floorEarly, o.rawSequential, o.rawSync, o.sync]) {
      expectSane(a, 0);
    }
    // The steady-state contenders warmed up longer than the early pair.
    expect([o.raw.spec.warmupCalls, o.floor.spec.warmupCalls, o.asyncEarly.spec.warmupCalls]).toEqual([4, 4, 2]);
    // Every "call" of the tool-cycle scenarios is a whole cycle; each checks it took exactly one.
    for (const a of [results.toolCycle!.raw, results.toolCycle!.async]) expectSane(a, 0);
    expectSane(results.massConcurrency!, 10);
    // Streaming: every contender answered; one at a time, each timed from its first byte to its first partial.
    const st = results.stream!;
    for (const kind of ["floor", "raw", "async"] as const) {
      expectSane(st.sequential[kind], 0);
      expectSane(st.concurrent[kind], 0);
      expect(st.sequential[kind].firstPartialP50Ms).toBeGreaterThan(0);
      expect(st.sequential[kind].firstPartialP99Ms).toBeGreaterThanOrEqual(st.sequential[kind].firstPartialP50Ms!);
      expect(st.concurrent[kind].firstPartialP50Ms).toBeUndefined();
    }
    // Instruction counts: callgrind ran each contender and counted its measured calls (where
    // valgrind is installed; elsewhere the run says why the row is missing).
    if (!(await callgrindAvailable())) expect(results.instructionsSkipped).toMatch(/valgrind/);
    else expect(results.instructions.map((c) => c.mode)).toEqual(["floor", "async"]);
    for (const c of results.instructions) {
      expect(c.failed, c.firstError).toBe(0);
      expect(c.ok).toBe(3);
      expect(c.instructionsPerCall).toBeGreaterThan(10_000);
    }
    // Memory: both contenders of every backend appended and loaded what they appended.
    expect(results.memory.map((m) => `${m.backend}/${m.contender}`)).toEqual([
      "sqlite/raw",
      "sqlite/kaizen",
      "redis/raw",
      "redis/kaizen",
      "postgres/raw",
      "postgres/kaizen",
    ]);
    for (const m of results.memory) {
      expect(m.appendsPerSec).toBeGreaterThan(0);
      expect(m.loadP99Ms).toBeGreaterThanOrEqual(m.loadP50Ms);
      expect(m.runs[0]?.turnsLoaded).toBe(3);
    }
    // Nothing of the memory runs is left on the shared servers.
    const leftRedis = new Redis("redis://127.0.0.1:6379");
    const memoryKeys = await leftRedis.keys(`kzbench_${process.pid}_*`).finally(() => leftRedis.quit());
    expect(memoryKeys).toEqual([]);
    // The chat API and the bare handler both answered at both connection counts, none shed.
    const cc = results.chatCompare!;
    expect(cc.runs.map((x) => `${x.server}@${x.connections}`).sort()).toEqual(["chat-api@4", "chat-api@8", "raw@4", "raw@8"]);
    for (const x of cc.runs) {
      expect(x.outcome.requests2xx).toBeGreaterThan(0);
      expect(x.outcome.non2xx).toBe(0);
    }
    expect(cc.chatApiEnv.MAX_IN_FLIGHT).toBe("0");
    expect(results.massConcurrency!.spec.concurrency).toBe(50);
    const q = results.queue!;
    expect(q.throughput.map((t) => t.workers)).toEqual([1, 2]);
    for (const t of [...q.throughput, q.limiter.unlimited, q.limiter.limited]) {
      expect(t.fulfilled, t.firstError).toBe(12 * t.reps);
      expect(t.rejected).toBe(0);
      expect(Number.isFinite(t.itemsPerSec) && t.itemsPerSec > 0).toBe(true);
      expect(Number.isFinite(t.workerCpuMsPerItem) && t.workerCpuMsPerItem > 0).toBe(true);
    }
    expect(q.limiter.limited.rateLimit).toBeDefined();
    expect(q.limiter.unlimited.rateLimit).toBeUndefined();
    // Each run's queue lives under a prefix of its own (this process's pid in it), removed after.
    const redis = new Redis("redis://127.0.0.1:6379");
    const left = await redis.keys(`kaizen-bench-${process.pid}-*`).finally(() => redis.quit());
    expect(left).toEqual([]);
    expect(results.load.map((l) => l.endpoint)).toEqual(["async", "sync"]);
    for (const l of results.load) {
      expect(l.outcome.requests2xx).toBeGreaterThan(0);
      expect(l.outcome.latencyP50Ms).toBeGreaterThanOrEqual(10);
      expect(l.outcome.healthProbes).toBeGreaterThan(0);
    }
    expect(results.fakeServerCpuMs).toBeGreaterThan(0);
    expect(results.machine.cpus).toBeGreaterThan(0);
  }, 480_000);

  it("prints the Benefits-shaped table, the detailed tables and the targets", () => {
    const summary = summaryTable(results);
    expect(summary.split("\n")[0]).toMatch(/^\| Feature +\| Sync \(run\) +\| Async \(runAsync\) +\| raw SDK +\|$/);
    for (const row of ["Single request", "5 concurrent requests", "CPU per call", "Peak RSS", "Event loop blocked", "Chat API"]) {
      expect(summary).toContain(row);
    }
    expect(summary).toContain("extrapolated*");
    expect(concurrencyTable(results)).toContain("runAsync");
    expect(overheadTable(results)).toContain("raw SDK, blocking bridge");
    expect(overheadTable(results)).toContain("node:http fetch");
    expect(overheadTable(results)).toContain("bare floor (node:http + JSON.parse)");
    expect(loadTable(results)).toContain("POST /api/chat on run()");
    expect(toolCycleTable(results)).toContain("hand-written tool loop");
    expect(markdownReport(results)).toContain("### Tool cycle at 0 ms latency");
    expect(queueTable(results)).toContain("2 workers × 2");
    expect(massConcurrencyTable(results)).toContain("50");
    expect(markdownReport(results)).toContain("### 50 concurrent runAsync calls in one process");
    expect(limiterTable(results)).toContain("limiter overhead per item");
    expect(markdownReport(results)).toContain("### Queue workers");
    expect(streamTable(results)).toContain("Kaizen streamAsync");
    expect(streamTable(results)).toContain("node:http SSE");
    expect(markdownReport(results)).toContain("### Streaming at 0 ms latency");
    expect(instructionsTable(results)).toContain("Instructions/call");
    expect(markdownReport(results)).toContain("### Instructions per call (callgrind)");
    expect(chatCompareTable(results)).toContain("bare Fastify + raw SDK");
    expect(chatCompareTable(results)).toMatch(/goal met|MISS/);
    expect(markdownReport(results)).toContain("### The chat API against a bare Fastify handler");
    expect(memoryTable(results)).toContain("raw better-sqlite3");
    expect(memoryTable(results)).toContain("PostgresMemory");
    expect(markdownReport(results)).toContain("### Memory backends against their raw drivers");
    expect(markdownReport(results)).toMatch(/load average \(1\/5\/15 min\) [\d.]+\/[\d.]+\/[\d.]+ at the start/);
    // The real chat API at 20 connections: every request answered, shed or failed, none left hanging.
    const shed = results.shedding[0]!;
    expect(shed.outcome.timeouts).toBe(0);
    // Both probes, from their own process: on PORT and on HEALTH_PORT's own thread, every one answered.
    for (const p of [shed.probes.main, shed.probes.healthPort]) {
      expect(p.probes).toBeGreaterThan(0);
      expect(p.failed).toBe(0);
    }
    expect(sheddingTable(results.shedding)).toContain("| HEALTH_PORT |");
    expect(Object.values(shed.outcome.statusCodes).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(markdownReport(results)).toContain("### Load shedding: the chat API at 20 connections");
    const ts = targets(results);
    expect(ts).toHaveLength(4);
    for (const t of ts) expect(Number.isFinite(t.value)).toBe(true);
    expect(markdownReport(results)).toContain("### Targets");
  });

  it("writes JSON and Markdown results, and rewrites only the generated part of the docs", async () => {
    const written = await writeResults(results, join(dir, "results"));
    const json = JSON.parse(await readFile(written.json, "utf8")) as BenchResults & { targets: unknown[] };
    expect(json.concurrency).toHaveLength(2);
    expect(json.targets).toHaveLength(4);
    expect(await readFile(join(dir, "results", "latest.md"), "utf8")).toContain("| Feature");

    const docs = join(dir, "benchmarks.md");
    await writeFile(docs, `# Benchmarks\n\nHand-written method.\n\n${BEGIN}\nold figures\n${END}\n\n## Analysis\n\nKept.\n`);
    await updateDocs(results, docs);
    const text = await readFile(docs, "utf8");
    expect(text).not.toContain("old figures");
    expect(text).toContain("Hand-written method.");
    expect(text).toContain("## Analysis\n\nKept.");
    expect(text).toContain("| Feature");
  });
});
