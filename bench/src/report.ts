// Tables from results: the async guide's Benefits table, the detailed tables, and the targets.
import { sheddingTable } from "./run-shedding.js";
import type { Aggregate, BenchResults, ConcurrencyRow, Extrapolated } from "./bench.js";
import { MODE_LABEL } from "./scenario.js";

export interface Target {
  name: string;
  measured: string;
  goal: string;
  /** measured / goal-limit ratio or difference, for the note on a miss. */
  value: number;
  limit: number;
  pass: boolean;
}

const ms = (v: number): string => (Number.isFinite(v) ? `${Math.round(v).toLocaleString("en-US")} ms` : "n/a");
const ms2 = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 3 : 1)} ms` : "n/a");
const mb = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(0)} MB` : "n/a");
const ratio = (a: number, b: number): string => (Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(2)}×` : "n/a");

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

function isExtrapolated(s: Aggregate | Extrapolated | undefined): s is Extrapolated {
  return s !== undefined && "extrapolated" in s;
}

function syncCell(row: ConcurrencyRow, latencyMs: number): string {
  const s = row.sync;
  if (!s) return "not measured";
  const queued = row.size > 1 && s.wallMs > 2 * latencyMs ? " (queued)" : "";
  if (isExtrapolated(s)) return `~${ms(s.wallMs)}${queued}, extrapolated*`;
  return `${ms(s.wallMs)}${queued}`;
}

function asyncCell(row: ConcurrencyRow, latencyMs: number): string {
  const parallel = row.size > 1 && row.async.wallMs < 2 * latencyMs ? " (parallel)" : "";
  return `${ms(row.async.wallMs)}${parallel}, ${ratio(row.async.wallMs, row.raw.wallMs)} floor`;
}

export function targets(r: BenchResults): Target[] {
  const out: Target[] = [];
  const largest = r.concurrency[r.concurrency.length - 1];
  if (largest) {
    const v = largest.async.wallMs / largest.raw.wallMs;
    out.push({
      name: `runAsync wall time at ${largest.size.toLocaleString("en-US")} concurrent vs raw SDK (${largest.raw.reps} reps)`,
      measured:
        `${v.toFixed(2)}× (medians ${ms(largest.async.wallMs)} vs ${ms(largest.raw.wallMs)}; ` +
        `best of each ${ratio(largest.async.wallMsMin, largest.raw.wallMsMin)})`,
      goal: "≤ 1.10×",
      value: v,
      limit: 1.1,
      pass: v <= 1.1,
    });
  }
  const o = r.overhead;
  const cpu = o.async.cpuMsPerCall / o.raw.cpuMsPerCall;
  out.push({
    name: `CPU per runAsync call vs raw SDK (0 ms latency, ${o.raw.spec.calls.toLocaleString("en-US")} calls at concurrency ${o.raw.spec.concurrency}, ${o.raw.reps} reps)`,
    measured:
      `${cpu.toFixed(2)}× (medians ${ms2(o.async.cpuMsPerCall)} vs ${ms2(o.raw.cpuMsPerCall)}; ` +
      `best of each ${ratio(o.async.cpuMsPerCallMin, o.raw.cpuMsPerCallMin)})`,
    goal: "≤ 1.20×",
    value: cpu,
    limit: 1.2,
    pass: cpu <= 1.2,
  });
  const bare = o.async.cpuMsPerCall / o.floor.cpuMsPerCall;
  out.push({
    name: `CPU per runAsync call vs the bare floor (node:http + JSON.parse, same run and load, after ${o.floor.spec.warmupCalls.toLocaleString("en-US")} warm-up calls)`,
    measured:
      `${bare.toFixed(2)}× (medians ${ms2(o.async.cpuMsPerCall)} vs ${ms2(o.floor.cpuMsPerCall)}; raw SDK ` +
      `${ratio(o.raw.cpuMsPerCall, o.floor.cpuMsPerCall)}; best of each ${ratio(o.async.cpuMsPerCallMin, o.floor.cpuMsPerCallMin)}; ` +
      `after only ${o.floorEarly.spec.warmupCalls.toLocaleString("en-US")} warm-up calls ${ratio(o.asyncEarly.cpuMsPerCall, o.floorEarly.cpuMsPerCall)})`,
    goal: "≤ 1.50×",
    value: bare,
    limit: 1.5,
    pass: bare <= 1.5,
  });
  const perCall = (a: Aggregate): number => a.wallMs / a.spec.calls;
  const over = perCall(o.sync) - perCall(o.rawSync);
  out.push({
    name: `run() overhead per call beyond a raw blocking call (0 ms latency, ${o.sync.spec.calls.toLocaleString("en-US")} sequential calls, ${o.sync.reps} reps)`,
    measured:
      `${ms2(over)} (run ${ms2(perCall(o.sync))}/call, raw SDK behind a blocking bridge ${ms2(perCall(o.rawSync))}/call, ` +
      `raw SDK awaited ${ms2(perCall(o.rawSequential))}/call)`,
    goal: "< 2 ms",
    value: over,
    limit: 2,
    pass: over < 2,
  });
  return out;
}

/** The seed's Benefits table, measured. */
export function summaryTable(r: BenchResults): string {
  const L = r.options.latencyMs;
  const label = (n: number): string => (n === 1 ? "Single request" : `${n.toLocaleString("en-US")} concurrent requests`);
  const rows: string[][] = r.concurrency.map((row) => [label(row.size), syncCell(row, L), asyncCell(row, L), ms(row.raw.wallMs)]);
  const o = r.overhead;
  rows.push([
    `CPU per call (0 ms latency)`,
    `${ms2(o.sync.cpuMsPerCall)} (sequential)`,
    `${ms2(o.async.cpuMsPerCall)}, ${ratio(o.async.cpuMsPerCall, o.raw.cpuMsPerCall)} floor`,
    `${ms2(o.raw.cpuMsPerCall)} (blocking bridge: ${ms2(o.rawSync.cpuMsPerCall)}; bare floor: ${ms2(o.floor.cpuMsPerCall)})`,
  ]);
  const perCall = (a: Aggregate): number => a.wallMs / a.spec.calls;
  rows.push([
    "Wall time per sequential call (0 ms latency)",
    ms2(perCall(o.sync)),
    "n/a",
    `${ms2(perCall(o.rawSequential))} (blocking bridge: ${ms2(perCall(o.rawSync))})`,
  ]);
  const largest = r.concurrency[r.concurrency.length - 1];
  if (largest) {
    const s = largest.sync;
    const syncMem = isExtrapolated(s) ? `${mb(s.from.rssPeakMb)} (one call at a time)` : s ? mb(s.rssPeakMb) : "n/a";
    rows.push([`Peak RSS, ${largest.size} concurrent`, syncMem, mb(largest.async.rssPeakMb), mb(largest.raw.rssPeakMb)]);
  }
  rows.push(["Event loop blocked during a call", "Yes", "No", "No"]);
  const syncLoad = r.load.find((l) => l.endpoint === "sync");
  const asyncLoad = r.load.find((l) => l.endpoint === "async");
  if (syncLoad && asyncLoad) {
    const cell = (l: typeof syncLoad): string =>
      `${l.outcome.requestsPerSec.toFixed(1)} req/s, p50 ${ms(l.outcome.latencyP50Ms)}, p99 ${ms(l.outcome.latencyP99Ms)}`;
    rows.push([`Chat API, ${asyncLoad.connections} connections`, cell(syncLoad), cell(asyncLoad), "n/a"]);
    rows.push(["/health p99 during that load", ms(syncLoad.outcome.healthP99Ms), ms(asyncLoad.outcome.healthP99Ms), "n/a"]);
  }
  return table(["Feature", "Sync (run)", "Async (runAsync)", "raw SDK"], rows);
}

export function concurrencyTable(r: BenchResults): string {
  const rows: string[][] = [];
  for (const row of r.concurrency) {
    const line = (a: Aggregate, name: string): string[] => [
      row.size.toLocaleString("en-US"),
      name,
      ms(a.wallMs),
      ratio(a.wallMs, row.raw.wallMs),
      ms2(a.cpuMsPerCall),
      ratio(a.cpuMsPerCall, row.raw.cpuMsPerCall),
      mb(a.rssPeakMb),
      mb(a.rssPeakMb - a.rssStartMb),
      ms(a.completionP50Ms),
      ms(a.completionP99Ms),
      a.spec.mode === "sync" ? "n/a" : String(a.connectionsOpened),
      `${a.ok}/${a.failed}`,
      String(a.reps),
    ];
    rows.push(line(row.raw, MODE_LABEL.raw));
    rows.push(line(row.async, MODE_LABEL.async));
    const s = row.sync;
    if (s && !isExtrapolated(s)) rows.push(line(s, MODE_LABEL.sync));
    else if (s) {
      rows.push([
        row.size.toLocaleString("en-US"),
        `${MODE_LABEL.sync} (extrapolated*)`,
        `~${ms(s.wallMs)}`,
        ratio(s.wallMs, row.raw.wallMs),
        ms2(s.from.cpuMsPerCall),
        ratio(s.from.cpuMsPerCall, row.raw.cpuMsPerCall),
        mb(s.from.rssPeakMb),
        "",
        "",
        "",
        "",
        "",
        "",
      ]);
    }
  }
  return table(
    [
      "Concurrent",
      "Contender",
      "Wall",
      "× floor",
      "CPU/call",
      "× floor",
      "Peak RSS",
      "Δ RSS",
      "p50 done",
      "p99 done",
      "new conns",
      "ok/failed",
      "reps",
    ],
    rows,
  );
}

export function overheadTable(r: BenchResults): string {
  const o = r.overhead;
  const early = `after ${o.floorEarly.spec.warmupCalls} warm-up calls`;
  // The bare floor ran in the concurrent pass only: sequential rows have no bare-floor ratio.
  const line = (a: Aggregate, name: string, floor: Aggregate, bare?: Aggregate): string[] => [
    name,
    a.spec.calls.toLocaleString("en-US"),
    String(a.spec.concurrency),
    ms(a.wallMs),
    ms2(a.wallMs / a.spec.calls),
    ms2(a.cpuMsPerCall),
    ratio(a.cpuMsPerCall, floor.cpuMsPerCall),
    bare ? ratio(a.cpuMsPerCall, bare.cpuMsPerCall) : "",
    mb(a.rssPeakMb),
    `${a.ok}/${a.failed}`,
    a.cpuMsPerCallRuns.map((v) => v.toFixed(3)).join(", "),
  ];
  return table(
    [
      "Contender",
      "Calls",
      "Concurrency",
      "Wall",
      "Wall/call",
      "CPU/call",
      "× raw SDK",
      "× bare floor",
      "Peak RSS",
      "ok/failed",
      "CPU/call per rep",
    ],
    [
      line(o.floor, MODE_LABEL.floor, o.raw, o.floor),
      line(o.raw, MODE_LABEL.raw, o.raw, o.floor),
      line(o.async, MODE_LABEL.async, o.raw, o.floor),
      line(o.rawLean, MODE_LABEL["raw-lean"], o.raw, o.floor),
      line(o.floorEarly, `${MODE_LABEL.floor}, ${early}`, o.raw, o.floorEarly),
      line(o.asyncEarly, `${MODE_LABEL.async}, ${early}`, o.raw, o.floorEarly),
      line(o.rawSequential, `${MODE_LABEL.raw}, sequential`, o.rawSequential),
      line(o.rawSync, MODE_LABEL["raw-sync"], o.rawSequential),
      line(o.sync, MODE_LABEL.sync, o.rawSequential),
    ],
  );
}

const us = (msValue: number): string =>
  Number.isFinite(msValue) ? `${Math.round(msValue * 1000).toLocaleString("en-US")} µs` : "n/a";

/** Issue 16's row: CPU per tool cycle (two model requests and one tool call), Kaizen vs the hand-written loop. */
export function toolCycleTable(r: BenchResults): string {
  const t = r.toolCycle;
  if (!t) return "not measured";
  const line = (a: Aggregate, name: string): string[] => [
    name,
    a.spec.calls.toLocaleString("en-US"),
    String(a.spec.concurrency),
    ms(a.wallMs),
    us(a.cpuMsPerCall),
    ratio(a.cpuMsPerCall, t.raw.cpuMsPerCall),
    us(a.cpuMsPerCallMin),
    mb(a.rssPeakMb),
    `${a.ok}/${a.failed}`,
    a.cpuMsPerCallRuns.map((v) => String(Math.round(v * 1000))).join(", "),
  ];
  return table(
    [
      "Contender",
      "Cycles",
      "Concurrency",
      "Wall",
      "CPU/cycle",
      "× raw loop",
      "best CPU/cycle",
      "Peak RSS",
      "ok/failed",
      "CPU/cycle per rep (µs)",
    ],
    [line(t.raw, MODE_LABEL["tool-raw"]), line(t.async, MODE_LABEL["tool-async"])],
  );
}

/** Issue 20's row: every call in flight at once in one process. */
export function massConcurrencyTable(r: BenchResults): string {
  const a = r.massConcurrency;
  if (!a) return "not measured";
  return table(
    [
      "Contender",
      "Concurrent calls",
      "Latency",
      "Wall",
      "Wall − latency",
      "CPU/call",
      "Peak RSS",
      "Δ RSS",
      "p99 done",
      "new conns",
      "ok/failed",
      "RSS goal",
    ],
    [
      [
        MODE_LABEL.async,
        a.spec.calls.toLocaleString("en-US"),
        ms(a.spec.latencyMs),
        ms(a.wallMs),
        ms(a.wallMs - a.spec.latencyMs),
        ms2(a.cpuMsPerCall),
        mb(a.rssPeakMb),
        mb(a.rssPeakMb - a.rssStartMb),
        ms(a.completionP99Ms),
        String(a.connectionsOpened),
        `${a.ok}/${a.failed}`,
        a.rssPeakMb < 400 ? "< 400 MB: pass" : "< 400 MB: MISS",
      ],
    ],
  );
}

/** Issue 21's rows: items/s by worker process count, and the shared limiter's cost per item. */
export function queueTable(r: BenchResults): string {
  const q = r.queue;
  if (!q) return "not measured";
  const one = q.throughput.find((t) => t.workers === 1);
  const rows = q.throughput.map((t) => [
    `${t.workers} worker${t.workers === 1 ? "" : "s"} × ${t.concurrency}`,
    t.items.toLocaleString("en-US"),
    ms(t.wallMs),
    t.itemsPerSec.toFixed(1),
    one ? ratio(t.itemsPerSec, one.itemsPerSec) : "n/a",
    ((t.workers * t.concurrency * 1000) / t.latencyMs).toFixed(0),
    ms2(t.workerCpuMsPerItem),
    `${t.fulfilled}/${t.rejected}`,
  ]);
  return table(["Workers", "Items", "Wall", "items/s", "× 1 worker", "ceiling items/s", "worker CPU/item", "ok/failed"], rows);
}

export function limiterTable(r: BenchResults): string {
  const q = r.queue;
  if (!q) return "not measured";
  const { unlimited: u, limited: l } = q.limiter;
  const line = (t: typeof u, name: string): string[] => [
    name,
    t.items.toLocaleString("en-US"),
    ms(t.wallMs),
    t.itemsPerSec.toFixed(1),
    ms2(t.wallMs / t.items),
    us(t.workerCpuMsPerItem),
    `${t.fulfilled}/${t.rejected}`,
    String(t.reps),
  ];
  return table(
    ["Rate limit", "Items", "Wall", "items/s", "Wall/item", "worker CPU/item", "ok/failed", "reps"],
    [
      line(u, `none (${u.workers} workers × ${u.concurrency})`),
      line(l, `non-binding rpm + tpm (${l.workers} workers × ${l.concurrency})`),
      [
        "limiter overhead per item",
        "",
        "",
        "",
        ms2((l.wallMs - u.wallMs) / l.items),
        us(l.workerCpuMsPerItem - u.workerCpuMsPerItem),
        "",
        "",
      ],
    ],
  );
}

export function loadTable(r: BenchResults): string {
  return table(
    [
      "Endpoint",
      "req/s",
      "p50",
      "p99",
      "max",
      "errors / timeouts",
      "/health p50",
      "/health p99",
      "/health max",
      "server CPU/req",
    ],
    r.load.map((l) => [
      l.endpoint === "async" ? "POST /api/chat on runAsync()" : "POST /api/chat on run()",
      l.outcome.requestsPerSec.toFixed(1),
      ms(l.outcome.latencyP50Ms),
      ms(l.outcome.latencyP99Ms),
      ms(l.outcome.latencyMaxMs),
      `${l.outcome.errors} / ${l.outcome.timeouts}`,
      ms2(l.outcome.healthP50Ms),
      ms2(l.outcome.healthP99Ms),
      ms2(l.outcome.healthMaxMs),
      ms2(l.serverCpuMsPerRequest),
    ]),
  );
}

export function targetsTable(ts: Target[]): string {
  return table(
    ["Target", "Measured", "Goal", "Result"],
    ts.map((t) => [t.name, t.measured, t.goal, t.pass ? "pass" : "MISS"]),
  );
}

export function extrapolationNote(r: BenchResults): string | undefined {
  const e = r.syncExtrapolationRun;
  if (!e) return undefined;
  const perCall = e.wallMs / e.spec.calls;
  return (
    `* run() queues: ${e.spec.calls} calls were measured at ${e.spec.latencyMs} ms latency ` +
    `(${ms(e.wallMs)}, ${ms2(perCall)} per call, so ${ms2(perCall - e.spec.latencyMs)} beyond the latency) and extrapolated ` +
    `to ${r.options.latencyMs} ms as calls × (${r.options.latencyMs} ms + that overhead); measuring them would take ` +
    `${r.concurrency
      .filter((c) => c.sync && "extrapolated" in c.sync)
      .map((c) => `${((c.size * r.options.latencyMs) / 1000).toFixed(0)} s`)
      .join(" and ")}.`
  );
}

/** The whole report as Markdown (also what the terminal shows). */
export function markdownReport(r: BenchResults): string {
  const m = r.machine;
  const L = r.options.latencyMs;
  const o = r.options.overhead;
  const parts = [
    `## Results`,
    ``,
    `Run ${r.startedAt}${r.commit ? ` at commit ${r.commit}` : ""}, ${r.durationSec.toFixed(0)} s in all. ` +
      `Machine: ${m.cpus} cores (${m.cpuModel}), ${m.totalMemGb} GB, ${m.platform}, Node ${m.node}; ` +
      `load average (1/5/15 min) ${m.loadAvgsStart.map((v) => v.toFixed(1)).join("/")} at the start, ` +
      `${m.loadAvgsEnd.map((v) => v.toFixed(1)).join("/")} at the end.`,
    ``,
    `### The async guide's Benefits table, measured (fake LLM at ${L} ms latency)`,
    ``,
    summaryTable(r),
    ``,
  ];
  const note = extrapolationNote(r);
  if (note) parts.push(note, ``);
  parts.push(
    `### Targets`,
    ``,
    targetsTable(targets(r)),
    ``,
    `### Concurrency at ${L} ms latency`,
    ``,
    `Wall: from the first call to the last result. CPU/call: the client process's CPU (user + system, all threads) over ` +
      `the measured phase, divided by the calls. Peak RSS: sampled every 50 ms during the measured phase; Δ RSS: over the ` +
      `RSS at its start. p50/p99 done: when results arrived. New conns: connections Node's fetch opened during the ` +
      `measured phase (run() does its I/O on a worker thread, not counted). Medians of ${r.options.reps} interleaved repetitions ` +
      `(${Math.max(r.options.reps, r.options.largestSizeReps)} at the largest size) for raw SDK and runAsync; run() once.`,
    ``,
    concurrencyTable(r),
    ``,
    `### Per-call overhead at 0 ms latency`,
    ``,
    `${o.calls.toLocaleString("en-US")} calls at concurrency ${o.concurrency} (raw SDK vs runAsync) after ` +
      `${o.steadyWarmupCalls.toLocaleString("en-US")} warm-up calls in the same process (steady state: V8 goes on ` +
      `optimizing a larger code base for thousands of calls), the bare floor and runAsync also after only ` +
      `${r.options.warmupCalls} (the "after ${r.options.warmupCalls} warm-up calls" rows, each against that floor), and ` +
      `${o.sequentialCalls.toLocaleString("en-US")} sequential calls (raw SDK awaited one by one, the raw SDK behind a ` +
      `hand-written worker + Atomics.wait bridge, and run()); medians of ${o.reps} interleaved repetitions. × raw SDK: ` +
      `against the raw SDK (concurrent) and the raw SDK awaited sequentially (sequential rows). × bare floor: against ` +
      `the bare floor (issue 20), a hand-written keep-alive node:http POST of the raw SDK's exact body, JSON.parse of ` +
      `the reply and of its content, and the same two-field check, with no SDK at all. The node:http fetch row ` +
      `is an experiment, not a target: the same raw SDK call with \`fetch\` built on node:http and a keep-alive agent ` +
      `instead of Node's WHATWG fetch, to show how much of a call's CPU is the HTTP stack under the SDK.`,
    ``,
    overheadTable(r),
    ``,
  );
  if (r.toolCycle) {
    const t = r.toolCycle;
    parts.push(
      `### Tool cycle at 0 ms latency`,
      ``,
      `One cycle: the model asks for one \`get_weather\` call, the tool runs, its result goes back, the model answers ` +
        `{answer, confidence} (two requests to the fake LLM, which calls a tool the question names). ` +
        `${t.raw.spec.calls.toLocaleString("en-US")} cycles at concurrency ${t.raw.spec.concurrency}, medians of ` +
        `${t.raw.reps} interleaved repetitions; CPU is the client process's, per whole cycle. The raw loop is what a ` +
        `careful raw-SDK user writes: the same tools and response_format, arguments parsed and checked by hand, results ` +
        `sent back under their call ids, the answer parsed and checked. Goal (issue 16): ≤ 1.2× the raw loop.`,
      ``,
      toolCycleTable(r),
      ``,
    );
  }
  if (r.stream) {
    const q = r.stream.sequential.floor.spec;
    const c = r.stream.concurrent.floor.spec;
    parts.push(
      `### Streaming at 0 ms latency`,
      ``,
      `One streamed structured call ({answer, confidence}, the fake LLM's SSE chunks of up to 6 characters, all written at ` +
        `once: no delay between chunks, so what is timed is the client). First byte → first partial: from the moment the ` +
        `client's HTTP parser read the response headers (node:http's and undici's diagnostics channels, the same moment for ` +
        `every contender) to the first partial object carrying the \`answer\` field; ${q.calls.toLocaleString("en-US")} calls one ` +
        `at a time. CPU/call: ${c.calls.toLocaleString("en-US")} calls at concurrency ${c.concurrency}, the client process's CPU per ` +
        `streamed call. Medians of ${r.stream.sequential.floor.reps} interleaved repetitions. Kaizen: \`agent.streamAsync()\` ` +
        `iterated to the end, \`await stream.result\` checked. Raw SDK: \`create({ stream: true, stream_options: { include_usage: ` +
        `true } })\`, the content deltas accumulated and, after every delta, the text so far parsed with the SDK's own partial ` +
        `JSON parser (\`openai/_vendor/partial-json-parser\`, what its stream helper runs), then \`JSON.parse\` and the ` +
        `two-field check. Bare floor: keep-alive node:http POST of the same body, SSE events split and \`JSON.parse\`d by hand, ` +
        `the partial object built by an incremental flat-object scanner (bench/src/flat-partial.ts), then the same checks.`,
      ``,
      streamTable(r),
      ``,
    );
  }
  if (r.instructions.length > 0 || r.instructionsSkipped) {
    const first = r.instructions[0];
    parts.push(`### Instructions per call (callgrind)`, ``);
    if (first) {
      parts.push(
        `A CPU figure that other work on the machine does not move: instructions executed (valgrind \`--tool=callgrind\`, ` +
          `Ir, all threads of the client process), because \`perf stat -e instructions\` reports the counter "not supported" ` +
          `on this virtual machine. Each contender's scenario process runs under callgrind with its usual warm-up ` +
          `(${first.warmupCalls} calls), the counters are zeroed when it is warm (\`callgrind_control -z\`) and dumped when its ` +
          `${first.calls} measured calls at concurrency ${first.concurrency} are done (\`-d\`), so startup and warm-up are left ` +
          `out: instructions / calls. Fake LLM at 0 ms, in its own process (not counted).`,
        ``,
        instructionsTable(r),
        ``,
      );
    } else parts.push(`Not measured in this run: ${r.instructionsSkipped}.`, ``);
  }
  if (r.massConcurrency) {
    const a = r.massConcurrency;
    parts.push(
      `### ${a.spec.calls.toLocaleString("en-US")} concurrent runAsync calls in one process`,
      ``,
      `Every call started at once (one process, one agent), fake LLM at ${a.spec.latencyMs} ms; wall from the first ` +
        `call to the last result, peak RSS sampled every 50 ms, any failed call counted. One run.`,
      ``,
      massConcurrencyTable(r),
      ``,
    );
  }
  if (r.queue) {
    const first = r.queue.throughput[0] ?? r.queue.limiter.unlimited;
    const lim = r.queue.limiter.limited.rateLimit;
    parts.push(
      `### Queue workers (@kaizen/queue on BullMQ + Redis)`,
      ``,
      `A batch of ${first.items.toLocaleString("en-US")} items submitted from the bench process to a queue of its own ` +
        `(a fresh name and Redis prefix per run) and answered by worker processes on this machine, each \`work(agent, ` +
        `{ concurrency: ${first.concurrency} })\` with the bench's agent, against the fake LLM at ${first.latencyMs} ms. Wall: ` +
        `from the submit to \`results()\` returning every item settled, after a warm-up batch. Ceiling: workers × ` +
        `concurrency / latency, what the queue would reach if it cost nothing. Worker CPU/item: all workers' CPU over the ` +
        `batch, per item. One run of each.`,
      ``,
      queueTable(r),
      ``,
      `The shared rate limiter's cost: the same batch with no \`rateLimit\` and with one set too high ever to bind ` +
        `(requestsPerMinute ${lim?.requestsPerMinute?.toLocaleString("en-US")}, tokensPerMinute ` +
        `${lim?.tokensPerMinute?.toLocaleString("en-US")}: BullMQ's limiter and the Redis token bucket, an estimate ` +
        `taken before each call and corrected after it), both pools of workers up at once and their batches ` +
        `alternating, medians of ${r.queue.limiter.limited.reps} batches each.`,
      ``,
      limiterTable(r),
      ``,
    );
  }
  if (r.memory.length > 0) {
    const m = r.memory[0]?.runs[0]?.spec;
    parts.push(
      `### Memory backends against their raw drivers`,
      ``,
      `@kaizen/memory's SqliteMemory (a file in a temporary directory, WAL, synchronous FULL: the defaults), RedisMemory ` +
        `(127.0.0.1:6379) and PostgresMemory (127.0.0.1:5432, database test) against better-sqlite3, ioredis and pg issuing the ` +
        `statements the backends issue (read from their source: the same SQL in the same transactions, the same Lua append ` +
        `script by EVALSHA, the same MULTI of LRANGE + HMGET), each contender in a process of its own, on tables and key ` +
        `prefixes of its own run (dropped after). ${m?.appends.toLocaleString("en-US")} appends spread over ${m?.sessions} ` +
        `sessions, ${m?.concurrency} in flight; then ${m?.loads.toLocaleString("en-US")} loads of the latest ${m?.loadTurns} turns, ` +
        `${m?.loadConcurrency} at a time, each timed. After ${m?.warmup} appends and loads of warm-up on other sessions. ` +
        `Medians of ${r.memory[0]?.reps} interleaved repetitions; p99 over each run's operations.`,
      ``,
      memoryTable(r),
      ``,
    );
  }
  if (r.chatCompare) {
    const c = r.chatCompare;
    const env = Object.entries(c.chatApiEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    parts.push(
      `### The chat API against a bare Fastify handler`,
      ``,
      `The real chat API (apps/chat-api/dist/main.js, POST /api/chat on runAsync) against a bare Fastify server whose ` +
        `POST /api/chat calls the raw openai SDK with the very request body the chat API's agent sends (captured from the ` +
        `chat API once, before the run, the question put where it puts it), then \`JSON.parse\` and the two-field check. ` +
        `Fake LLM at ${c.options.latencyMs} ms; autocannon from a process of its own, ${c.options.connections.join(" and ")} ` +
        `connections for ${c.options.durationSec} s each, after ${c.options.warmupRequests} warm-up requests to each server; ` +
        `the two servers alternate which goes first. The chat API's limits are off so that this measures serving, not ` +
        `shedding: ${env} (0 turns each limit off; helmet, request validation and response serialization stay on). ` +
        `Goal (issue 20): the chat API at ≥ 0.9× the bare handler's requests/s.`,
      ``,
      chatCompareTable(r),
      ``,
    );
  }
  if (r.load.length > 0) {
    const l = r.load[0];
    parts.push(
      `### The chat API under load`,
      ``,
      `A Fastify server with POST /api/chat over the same agent code, once on runAsync() and once on run(); ` +
        `autocannon from a second process on loopback, ${l?.connections} connections for ${l?.durationSec} s, fake LLM at ` +
        `${l?.latencyMs} ms. A probe in the load process asks GET /health every 100 ms: on run() it waits behind the ` +
        `blocked event loop. Latency percentiles count completed requests only.`,
      ``,
      loadTable(r),
      ``,
    );
  }
  if (r.shedding.length > 0) {
    const s = r.shedding[0];
    parts.push(
      `### Load shedding: the chat API at ${s?.connections} connections`,
      ``,
      `The real chat API (apps/chat-api/dist/main.js, default limits but RATE_LIMIT_PER_MINUTE=0, since one machine makes ` +
        `every request) against the fake LLM at ${s?.latencyMs} ms; autocannon from a second process, ${s?.connections} ` +
        `connections for ${s?.durationSec} s, and, from a third process, probes asking GET /health/live every 100 ms on a ` +
        `fresh connection, as a liveness probe does: on PORT, and on HEALTH_PORT, which the chat API answers from a thread ` +
        `of its own. Requests past MAX_IN_FLIGHT are shed ahead of Fastify with 503 and Retry-After: 1, each answer held ` +
        `SHED_HOLD_MS (500 ms) so that autocannon, which re-asks at once, cannot make a storm of them; a timeout is a ` +
        `request still unanswered after 10 s; a failed probe is one not answered 200.`,
      ``,
      sheddingTable(r.shedding),
      ``,
    );
  }
  parts.push(`Fake LLM server CPU over the whole run (its own process, not counted above): ${ms(r.fakeServerCpuMs)}.`);
  if (r.failures.length > 0) parts.push(``, `**Failed calls:**`, ``, ...r.failures.map((f) => `- ${f}`));
  return parts.join("\n");
}

const us1 = (msValue: number): string => (Number.isFinite(msValue) ? `${(msValue * 1000).toFixed(0)} µs` : "n/a");

/** Issue 20's streaming row: first byte to first partial object (one call at a time) and CPU per streamed call. */
export function streamTable(r: BenchResults): string {
  const s = r.stream;
  if (!s) return "not measured";
  const kinds = ["floor", "raw", "async"] as const;
  const label = { floor: MODE_LABEL["stream-floor"], raw: MODE_LABEL["stream-raw"], async: MODE_LABEL["stream-async"] };
  const rows = kinds.map((k) => {
    const q = s.sequential[k];
    const c = s.concurrent[k];
    return [
      label[k],
      us1(q.firstPartialP50Ms ?? Number.NaN),
      us1(q.firstPartialP99Ms ?? Number.NaN),
      ratio(q.firstPartialP50Ms ?? Number.NaN, s.sequential.floor.firstPartialP50Ms ?? Number.NaN),
      ms2(q.wallMs / q.spec.calls),
      ms2(c.cpuMsPerCall),
      ratio(c.cpuMsPerCall, s.concurrent.raw.cpuMsPerCall),
      ratio(c.cpuMsPerCall, s.concurrent.floor.cpuMsPerCall),
      ms2(q.cpuMsPerCall),
      mb(c.rssPeakMb),
      `${q.ok + c.ok}/${q.failed + c.failed}`,
    ];
  });
  return table(
    [
      "Contender",
      "first byte → first partial, p50",
      "p99",
      "× floor (p50)",
      "wall/call, one at a time",
      `CPU/call at ${s.concurrent.floor.spec.concurrency}`,
      "× raw SDK",
      "× bare floor",
      "CPU/call, one at a time",
      "Peak RSS",
      "ok/failed",
    ],
    rows,
  );
}

/** Issue 20's repeatable CPU figure: instructions per call under callgrind. */
export function instructionsTable(r: BenchResults): string {
  if (r.instructions.length === 0) return `not measured: ${r.instructionsSkipped ?? "skipped"}`;
  const by = (m: string) => r.instructions.find((c) => c.mode === m);
  const floor = by("floor");
  const raw = by("raw");
  return table(
    ["Contender", "Calls", "Concurrency", "Instructions", "Instructions/call", "× raw SDK", "× bare floor", "ok/failed"],
    r.instructions.map((c) => [
      MODE_LABEL[c.mode],
      String(c.calls),
      String(c.concurrency),
      `${(c.instructions / 1e6).toFixed(1)} M`,
      `${(c.instructionsPerCall / 1e6).toFixed(3)} M`,
      raw ? ratio(c.instructionsPerCall, raw.instructionsPerCall) : "n/a",
      floor ? ratio(c.instructionsPerCall, floor.instructionsPerCall) : "n/a",
      `${c.ok}/${c.failed}`,
    ]),
  );
}

/** The chat API vs the bare Fastify handler: throughput ratio against the goal of ≥ 0.9×. */
export function chatCompareTable(r: BenchResults): string {
  const c = r.chatCompare;
  if (!c) return "not measured";
  const rows: string[][] = [];
  for (const connections of c.options.connections) {
    const raw = c.runs.find((x) => x.server === "raw" && x.connections === connections);
    const api = c.runs.find((x) => x.server === "chat-api" && x.connections === connections);
    for (const x of [raw, api]) {
      if (!x) continue;
      const o = x.outcome;
      const isApi = x.server === "chat-api";
      const v = raw && isApi ? o.requestsPerSec / raw.outcome.requestsPerSec : Number.NaN;
      rows.push([
        String(connections),
        isApi ? "apps/chat-api (runAsync)" : "bare Fastify + raw SDK",
        o.requestsPerSec.toFixed(1),
        ms(o.latencyP50Ms),
        ms(o.latencyP99Ms),
        `${o.non2xx} / ${o.errors} / ${o.timeouts}`,
        ms2(x.serverCpuMsPerRequest),
        isApi ? (Number.isFinite(v) ? `${v.toFixed(2)}×` : "n/a") : "1.00×",
        isApi ? (v >= 0.9 ? "goal met" : "MISS") : "",
      ]);
    }
  }
  return table(
    [
      "Connections",
      "Server",
      "req/s",
      "p50",
      "p99",
      "non-2xx / errors / timeouts",
      "server CPU/req",
      "× bare (req/s)",
      "goal ≥ 0.90×",
    ],
    rows,
  );
}

/** @kaizen/memory's backends against their raw drivers. */
export function memoryTable(r: BenchResults): string {
  if (r.memory.length === 0) return "not measured";
  const rows = r.memory.map((m) => {
    const raw = r.memory.find((x) => x.backend === m.backend && x.contender === "raw");
    const driver = { sqlite: "better-sqlite3", redis: "ioredis", postgres: "pg" }[m.backend];
    return [
      m.backend,
      m.contender === "raw"
        ? `raw ${driver}`
        : `@kaizen/memory ${m.backend === "sqlite" ? "SqliteMemory" : m.backend === "redis" ? "RedisMemory" : "PostgresMemory"}`,
      m.appendsPerSec.toFixed(0),
      raw ? ratio(m.appendsPerSec, raw.appendsPerSec) : "n/a",
      ms2(m.appendP99Ms),
      us1(m.cpuMsPerAppend),
      ms2(m.loadP50Ms),
      ms2(m.loadP99Ms),
      raw ? ratio(m.loadP99Ms, raw.loadP99Ms) : "n/a",
      us1(m.cpuMsPerLoad),
      String(m.reps),
    ];
  });
  return table(
    [
      "Backend",
      "Contender",
      "appends/s",
      "× raw",
      "append p99",
      "CPU/append",
      "load p50",
      "load p99",
      "× raw (p99)",
      "CPU/load",
      "reps",
    ],
    rows,
  );
}
