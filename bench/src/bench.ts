// The whole benchmark: the concurrency pass at the seed's latency, the per-call overhead pass at
// 0 ms, and the chat API under load. Every contender runs in its own process against one fake
// LLM server process.
import { execFileSync } from "node:child_process";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { startFakeLLMProcess } from "./fake-llm.js";
import { runLoad, type LoadRun } from "./run-load.js";
import { runShedding, type SheddingOptions, type SheddingRun } from "./run-shedding.js";
import { runQueue, type QueueOptions, type QueuePass } from "./run-queue.js";
import { runScenario } from "./run-scenario.js";
import { runChatCompare, type ChatCompareOptions, type ChatComparePass } from "./run-chat-compare.js";
import { callgrindAvailable, countAllInstructions, type InstructionCount, type InstructionOptions } from "./run-callgrind.js";
import { runMemory, type MemoryOptions, type MemoryRow } from "./run-memory.js";
import { median, type Mode, type ScenarioResult, type ScenarioSpec } from "./scenario.js";

export interface BenchOptions {
  /** The fake LLM latency of the concurrency pass (the seed's 500 ms). */
  latencyMs: number;
  /** Concurrent request counts of the concurrency pass. */
  sizes: number[];
  /** Sizes at which run() is measured at `latencyMs` (it queues: 100 calls would take 50 s). */
  syncSizes: number[];
  /** run() measured at a lower latency, then extrapolated to the larger sizes; null: skip. */
  syncExtrapolation: { calls: number; latencyMs: number } | null;
  /** Repetitions of the raw and runAsync runs (interleaved; medians are reported). */
  reps: number;
  /** Repetitions at the largest size, where a shared machine's noise weighs most. */
  largestSizeReps: number;
  /** Calls before measuring, at 0 ms latency. */
  warmupCalls: number;
  /**
   * The 0 ms latency pass. Its concurrent contenders are measured after `steadyWarmupCalls`
   * warm-up calls (steady state), and the bare floor and runAsync once more after `warmupCalls`.
   */
  overhead: { calls: number; concurrency: number; sequentialCalls: number; reps: number; steadyWarmupCalls: number };
  /** One tool cycle (two requests) per call at 0 ms latency, raw-SDK loop vs runAsync; null: skip. */
  toolCycle: { calls: number; concurrency: number; reps: number } | null;
  /** `calls` runAsync calls all in flight at once in one process (issue 20: 10 000); null: skip. */
  massConcurrency: { calls: number; latencyMs: number } | null;
  /** @kaizen/queue workers on Redis (issue 21): items/s at 1, 2, 4 workers and the limiter's cost; null: skip. */
  queue: QueueOptions | null;
  /**
   * Streamed calls (issue 20): Kaizen's streamAsync, the raw SDK's stream and the SSE floor, at 0 ms
   * latency: `sequentialCalls` one at a time (first byte to first partial object) and `calls` at
   * `concurrency` (CPU per streamed call); null: skip.
   */
  stream: { calls: number; concurrency: number; sequentialCalls: number; reps: number } | null;
  /** The real chat API vs a bare Fastify handler on the raw SDK (issue 20); null: skip. */
  chatCompare: ChatCompareOptions | null;
  /** @kaizen/memory's backends vs their raw drivers (issue 20); null: skip. */
  memory: MemoryOptions | null;
  /** Instructions per call under callgrind (issue 20); null: skip (also skipped when valgrind is missing). */
  instructions: InstructionOptions | null;
  /** The chat API load test; null: skip. */
  load: { latencyMs: number; connections: number; durationSec: number } | null;
  /** The real chat API (apps/chat-api) at many connections: load shedding; null: skip. */
  shedding: SheddingOptions | null;
  log: (line: string) => void;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  latencyMs: 500,
  sizes: [1, 10, 100, 1000],
  syncSizes: [1, 10],
  syncExtrapolation: { calls: 100, latencyMs: 50 },
  reps: 3,
  largestSizeReps: 7,
  warmupCalls: 200,
  // Measured: after 200, 1000, 3000 and 6000 warm-up calls runAsync cost 1.52, 1.52, 1.29 and
  // 1.11× the bare floor's CPU per call (V8 still tiering up its larger code for thousands of
  // calls); 5000 is where all four concurrent contenders have settled.
  overhead: { calls: 2000, concurrency: 50, sequentialCalls: 500, reps: 5, steadyWarmupCalls: 5000 },
  toolCycle: { calls: 1000, concurrency: 50, reps: 5 },
  massConcurrency: { calls: 10_000, latencyMs: 500 },
  queue: {
    redisUrl: process.env.KAIZEN_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    items: 1000,
    latencyMs: 100,
    workers: [1, 2, 4],
    concurrency: 16,
    limiterWorkers: 2,
    limiterReps: 3,
  },
  stream: { calls: 1000, concurrency: 50, sequentialCalls: 300, reps: 3 },
  chatCompare: { latencyMs: 100, connections: [100, 1000], durationSec: 10, warmupRequests: 300 },
  memory: {
    backends: ["sqlite", "redis", "postgres"],
    appends: 2000,
    sessions: 100,
    loads: 1000,
    loadTurns: 20,
    concurrency: 16,
    loadConcurrency: 1,
    warmup: 200,
    reps: 2,
    redisUrl: process.env.KAIZEN_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    postgresUrl: process.env.KAIZEN_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  },
  instructions: { modes: ["floor", "raw", "async"], calls: 200, concurrency: 10, warmupCalls: 200 },
  load: { latencyMs: 500, connections: 100, durationSec: 10 },
  shedding: { connections: 2000, durationSec: 10, latencyMs: 500 },
  log: (line) => process.stderr.write(`${line}\n`),
};

/** Medians over repetitions, field by field. */
export interface Aggregate extends ScenarioResult {
  reps: number;
  wallMsRuns: number[];
  cpuMsPerCallRuns: number[];
  /** Best of the repetitions: noise on a shared machine only ever adds time. */
  wallMsMin: number;
  cpuMsPerCallMin: number;
}

export interface Extrapolated {
  extrapolated: true;
  calls: number;
  latencyMs: number;
  wallMs: number;
  /** The measured run it is derived from. */
  from: Aggregate;
}

export interface ConcurrencyRow {
  size: number;
  raw: Aggregate;
  async: Aggregate;
  sync: Aggregate | Extrapolated | undefined;
}

export interface OverheadPass {
  raw: Aggregate;
  async: Aggregate;
  /** The raw SDK over a node:http fetch: how low the floor itself can go. */
  rawLean: Aggregate;
  /** The bare floor (issue 20): keep-alive node:http, JSON.parse, a two-field check. */
  floor: Aggregate;
  /** runAsync and the bare floor after only `warmupCalls` warm-up calls: before V8 has settled. */
  asyncEarly: Aggregate;
  floorEarly: Aggregate;
  rawSequential: Aggregate;
  rawSync: Aggregate;
  sync: Aggregate;
}

/** Per tool cycle: a "call" of these scenarios is one whole cycle, two model requests. */
export interface ToolCyclePass {
  raw: Aggregate;
  async: Aggregate;
}

/** Streamed calls: one at a time (first byte to first partial) and concurrent (CPU per call). */
export interface StreamPass {
  sequential: Record<"async" | "raw" | "floor", Aggregate>;
  concurrent: Record<"async" | "raw" | "floor", Aggregate>;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemGb: number;
  /** 1-minute load average when the run began and ended: other work on the machine shows here. */
  loadAvgStart: number;
  loadAvgEnd: number;
  /** 1-, 5- and 15-minute load averages at the start and the end. */
  loadAvgsStart: number[];
  loadAvgsEnd: number[];
}

export interface BenchResults {
  startedAt: string;
  durationSec: number;
  machine: Machine;
  commit: string | undefined;
  options: Omit<BenchOptions, "log">;
  concurrency: ConcurrencyRow[];
  syncExtrapolationRun: Aggregate | undefined;
  overhead: OverheadPass;
  toolCycle: ToolCyclePass | undefined;
  stream: StreamPass | undefined;
  chatCompare: ChatComparePass | undefined;
  memory: MemoryRow[];
  instructions: InstructionCount[];
  /** Why the instruction counts are missing, when they are. */
  instructionsSkipped: string | undefined;
  queue: QueuePass | undefined;
  /** One run of `massConcurrency.calls` concurrent runAsync calls. */
  massConcurrency: Aggregate | undefined;
  load: LoadRun[];
  shedding: SheddingRun[];
  /** The fake server's CPU over the whole run: not counted against any client. */
  fakeServerCpuMs: number;
  failures: string[];
}

function aggregate(runs: ScenarioResult[]): Aggregate {
  const first = runs[0];
  if (!first) throw new Error("aggregate of no runs");
  const med = (pick: (r: ScenarioResult) => number): number => median(runs.map(pick));
  const agg: Aggregate = {
    ...(first.firstPartialP50Ms === undefined
      ? {}
      : {
          firstPartialP50Ms: med((r) => r.firstPartialP50Ms ?? Number.NaN),
          firstPartialP99Ms: med((r) => r.firstPartialP99Ms ?? Number.NaN),
        }),
    spec: first.spec,
    wallMs: med((r) => r.wallMs),
    cpuMs: med((r) => r.cpuMs),
    cpuUserMs: med((r) => r.cpuUserMs),
    cpuSystemMs: med((r) => r.cpuSystemMs),
    cpuMsPerCall: med((r) => r.cpuMsPerCall),
    overheadMsPerCall: med((r) => r.overheadMsPerCall),
    rssStartMb: med((r) => r.rssStartMb),
    rssPeakMb: med((r) => r.rssPeakMb),
    maxRssMb: med((r) => r.maxRssMb),
    completionP50Ms: med((r) => r.completionP50Ms),
    completionP99Ms: med((r) => r.completionP99Ms),
    connectionsOpened: med((r) => r.connectionsOpened),
    ok: runs.reduce((n, r) => n + r.ok, 0),
    failed: runs.reduce((n, r) => n + r.failed, 0),
    reps: runs.length,
    wallMsRuns: runs.map((r) => r.wallMs),
    cpuMsPerCallRuns: runs.map((r) => r.cpuMsPerCall),
    wallMsMin: Math.min(...runs.map((r) => r.wallMs)),
    cpuMsPerCallMin: Math.min(...runs.map((r) => r.cpuMsPerCall)),
  };
  const err = runs.find((r) => r.firstError !== undefined)?.firstError;
  if (err !== undefined) agg.firstError = err;
  return agg;
}

function machine(loadAvgsStart: number[]): Machine {
  const cpus = os.cpus();
  const loadAvgsEnd = os.loadavg();
  return {
    loadAvgStart: loadAvgsStart[0] ?? Number.NaN,
    loadAvgEnd: loadAvgsEnd[0] ?? Number.NaN,
    loadAvgsStart,
    loadAvgsEnd,
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemGb: Math.round(os.totalmem() / 1024 ** 3),
  };
}

function gitCommit(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}

export async function runBench(partial: Partial<BenchOptions> = {}): Promise<BenchResults> {
  const options: BenchOptions = { ...DEFAULT_OPTIONS, ...partial };
  const { log } = options;
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const loadAvgsStart = os.loadavg();
  const failures: string[] = [];
  const fake = await startFakeLLMProcess();
  const fakeCpu0 = await fake.cpuMs();

  const measure = async (
    mode: Mode,
    calls: number,
    concurrency: number,
    latencyMs: number,
    warmupCalls = options.warmupCalls,
  ): Promise<ScenarioResult> => {
    const spec: ScenarioSpec = { mode, calls, concurrency, latencyMs, warmupCalls };
    const r = await runScenario(fake, spec, log);
    const elapsed = ((performance.now() - t0) / 1000).toFixed(0);
    log(
      `[bench ${elapsed}s] ${mode.padEnd(8)} calls=${calls} concurrency=${concurrency} latency=${latencyMs}ms: ` +
        `wall ${r.wallMs.toFixed(0)} ms, cpu ${r.cpuMsPerCall.toFixed(3)} ms/call, peak rss ${r.rssPeakMb.toFixed(0)} MB` +
        (r.failed > 0 ? `, ${r.failed} FAILED (${r.firstError})` : ""),
    );
    if (r.failed > 0) failures.push(`${mode} x${calls} @${latencyMs}ms: ${r.failed} failed: ${r.firstError}`);
    return r;
  };
  /** Interleaves the contenders rep by rep so drift on the machine hits them alike. */
  const interleaved = async (
    modes: Mode[],
    calls: number,
    concurrency: number,
    latencyMs: number,
    reps: number,
    warmupCalls = options.warmupCalls,
  ): Promise<Map<Mode, Aggregate>> => {
    const runs = new Map<Mode, ScenarioResult[]>(modes.map((m) => [m, []]));
    for (let rep = 0; rep < reps; rep++) {
      for (const mode of modes) runs.get(mode)?.push(await measure(mode, calls, concurrency, latencyMs, warmupCalls));
    }
    return new Map([...runs].map(([m, rs]) => [m, aggregate(rs)]));
  };

  try {
    log(
      `[bench] concurrency pass at ${options.latencyMs} ms latency: sizes ${options.sizes.join(", ")}, ` +
        `${options.reps} reps (${Math.max(options.reps, options.largestSizeReps)} at the largest)`,
    );
    const concurrency: ConcurrencyRow[] = [];
    for (const size of options.sizes) {
      const largest = size === Math.max(...options.sizes);
      const reps = largest ? Math.max(options.reps, options.largestSizeReps) : options.reps;
      const agg = await interleaved(["raw", "async"], size, size, options.latencyMs, reps);
      const sync = options.syncSizes.includes(size)
        ? aggregate([await measure("sync", size, size, options.latencyMs)])
        : undefined;
      concurrency.push({ size, raw: agg.get("raw") as Aggregate, async: agg.get("async") as Aggregate, sync });
    }

    let syncExtrapolationRun: Aggregate | undefined;
    if (options.syncExtrapolation) {
      const { calls, latencyMs } = options.syncExtrapolation;
      syncExtrapolationRun = aggregate([await measure("sync", calls, calls, latencyMs)]);
      const perCallOverhead = syncExtrapolationRun.wallMs / calls - latencyMs;
      for (const row of concurrency) {
        if (row.sync) continue;
        row.sync = {
          extrapolated: true,
          calls: row.size,
          latencyMs: options.latencyMs,
          wallMs: row.size * (options.latencyMs + perCallOverhead),
          from: syncExtrapolationRun,
        };
      }
    }

    const o = options.overhead;
    log(
      `[bench] overhead pass at 0 ms latency: ${o.calls} calls at concurrency ${o.concurrency} after ${o.steadyWarmupCalls} ` +
        `warm-up calls (and after ${options.warmupCalls}), ${o.sequentialCalls} sequential, ${o.reps} reps`,
    );
    const conc = await interleaved(["raw", "async", "raw-lean", "floor"], o.calls, o.concurrency, 0, o.reps, o.steadyWarmupCalls);
    const early = await interleaved(["async", "floor"], o.calls, o.concurrency, 0, o.reps);
    const seq = await interleaved(["raw", "raw-sync", "sync"], o.sequentialCalls, 1, 0, o.reps);
    const overhead: OverheadPass = {
      raw: conc.get("raw") as Aggregate,
      async: conc.get("async") as Aggregate,
      rawLean: conc.get("raw-lean") as Aggregate,
      floor: conc.get("floor") as Aggregate,
      asyncEarly: early.get("async") as Aggregate,
      floorEarly: early.get("floor") as Aggregate,
      rawSequential: seq.get("raw") as Aggregate,
      rawSync: seq.get("raw-sync") as Aggregate,
      sync: seq.get("sync") as Aggregate,
    };

    let toolCycle: ToolCyclePass | undefined;
    if (options.toolCycle) {
      const t = options.toolCycle;
      log(`[bench] tool cycle at 0 ms latency: ${t.calls} cycles at concurrency ${t.concurrency}, ${t.reps} reps`);
      const cycles = await interleaved(["tool-raw", "tool-async"], t.calls, t.concurrency, 0, t.reps);
      toolCycle = { raw: cycles.get("tool-raw") as Aggregate, async: cycles.get("tool-async") as Aggregate };
    }

    let stream: StreamPass | undefined;
    if (options.stream) {
      const st = options.stream;
      log(
        `[bench] streaming at 0 ms latency: ${st.sequentialCalls} calls one at a time, ${st.calls} at concurrency ${st.concurrency}, ${st.reps} reps`,
      );
      const modes: Mode[] = ["stream-floor", "stream-raw", "stream-async"];
      const seq = await interleaved(modes, st.sequentialCalls, 1, 0, st.reps);
      const conc = await interleaved(modes, st.calls, st.concurrency, 0, st.reps);
      const pick = (m: Map<Mode, Aggregate>): StreamPass["sequential"] => ({
        floor: m.get("stream-floor") as Aggregate,
        raw: m.get("stream-raw") as Aggregate,
        async: m.get("stream-async") as Aggregate,
      });
      stream = { sequential: pick(seq), concurrent: pick(conc) };
    }

    let instructions: InstructionCount[] = [];
    let instructionsSkipped: string | undefined;
    if (options.instructions) {
      const ins = options.instructions;
      if (await callgrindAvailable()) {
        log(
          `[bench] instruction counts under callgrind: ${ins.modes.join(", ")}, ${ins.calls} calls at concurrency ${ins.concurrency} after ${ins.warmupCalls} warm-up calls`,
        );
        instructions = await countAllInstructions(fake, ins, log);
        for (const c of instructions) if (c.failed > 0) failures.push(`callgrind ${c.mode}: ${c.failed} failed: ${c.firstError}`);
      } else instructionsSkipped = "valgrind (callgrind) is not installed";
    } else instructionsSkipped = "not requested (--quick leaves them out; --instructions adds them)";

    let massConcurrency: Aggregate | undefined;
    if (options.massConcurrency) {
      const { calls, latencyMs } = options.massConcurrency;
      log(`[bench] ${calls} concurrent runAsync calls in one process at ${latencyMs} ms latency`);
      massConcurrency = aggregate([await measure("async", calls, calls, latencyMs)]);
    }

    let queue: QueuePass | undefined;
    if (options.queue) {
      const q = options.queue;
      log(
        `[bench] queue workers: ${q.items} items at ${q.latencyMs} ms latency, ${q.workers.join(", ")} worker processes ` +
          `× concurrency ${q.concurrency}, Redis ${q.redisUrl}`,
      );
      queue = await runQueue(fake, q, log);
      for (const r of [...queue.throughput, queue.limiter.unlimited, queue.limiter.limited]) {
        if (r.rejected > 0) failures.push(`queue, ${r.workers} worker(s): ${r.rejected} rejected: ${r.firstError}`);
      }
    }

    let memory: MemoryRow[] = [];
    if (options.memory) {
      const m = options.memory;
      log(
        `[bench] memory backends: ${m.backends.join(", ")}, ${m.appends} appends over ${m.sessions} sessions at concurrency ${m.concurrency}, ${m.loads} loads, ${m.reps} reps`,
      );
      memory = await runMemory(m, log);
    }

    let chatCompare: ChatComparePass | undefined;
    if (options.chatCompare) {
      const c = options.chatCompare;
      log(
        `[bench] chat API vs bare Fastify + raw SDK: ${c.connections.join(" and ")} connections, ${c.durationSec} s each, LLM latency ${c.latencyMs} ms`,
      );
      chatCompare = await runChatCompare(fake, c, log);
    }

    const load: LoadRun[] = [];
    if (options.load) {
      for (const endpoint of ["async", "sync"] as const) {
        log(
          `[bench] chat API load: ${endpoint} endpoint, ${options.load.connections} connections, ${options.load.durationSec} s, LLM latency ${options.load.latencyMs} ms`,
        );
        const run = await runLoad(fake, endpoint, options.load);
        const out = run.outcome;
        log(
          `[bench ${((performance.now() - t0) / 1000).toFixed(0)}s] load ${endpoint}: ${out.requestsPerSec.toFixed(1)} req/s, ` +
            `p50 ${out.latencyP50Ms} ms, p99 ${out.latencyP99Ms} ms, /health p99 ${out.healthP99Ms.toFixed(0)} ms`,
        );
        load.push(run);
      }
    }

    const shedding: SheddingRun[] = [];
    if (options.shedding) {
      const s = options.shedding;
      log(`[bench] chat API load shedding: ${s.connections} connections, ${s.durationSec} s, LLM latency ${s.latencyMs} ms`);
      const run = await runShedding(fake, s);
      const o = run.outcome;
      log(
        `[bench ${((performance.now() - t0) / 1000).toFixed(0)}s] shedding: ${o.requests2xx} answered, ${o.statusCodes["503"] ?? 0} shed, ` +
          `${o.timeouts} timeouts, /health/live p99 ${run.probes.main.p99Ms.toFixed(1)} ms (PORT), ` +
          `${run.probes.healthPort.p99Ms.toFixed(1)} ms (HEALTH_PORT)`,
      );
      shedding.push(run);
    }

    const fakeServerCpuMs = (await fake.cpuMs()) - fakeCpu0;
    const { log: _log, ...recorded } = options;
    return {
      startedAt,
      durationSec: (performance.now() - t0) / 1000,
      machine: machine(loadAvgsStart),
      commit: gitCommit(),
      options: recorded,
      concurrency,
      syncExtrapolationRun,
      overhead,
      toolCycle,
      stream,
      chatCompare,
      memory,
      instructions,
      instructionsSkipped,
      queue,
      massConcurrency,
      shedding,
      load,
      fakeServerCpuMs,
      failures,
    };
  } finally {
    await fake.close();
  }
}
