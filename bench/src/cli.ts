// `pnpm bench`: runs everything, prints the tables, writes results/ and docs/benchmarks.md.
//   --quick            smaller sizes and fewer repetitions (a minute; for trying changes)
//   --reps N           repetitions of every repeated run (default 3, and 7 at 1000 concurrent)
//   --no-load          skip the chat API load tests (the load comparison and load shedding)
//   --no-queue         skip the @kaizen/queue rows (they need Redis: KAIZEN_BENCH_REDIS_URL, default 127.0.0.1:6379)
//   --no-memory        skip the memory backends (they need Redis and Postgres: KAIZEN_BENCH_POSTGRES_URL)
//   --instructions     count instructions under callgrind in --quick too (the full run always does)
//   --no-instructions  skip the callgrind counts (about 2 minutes of the full run)
//   --no-docs          leave docs/benchmarks.md alone (--quick always does, unless --docs is given:
//                      the record is the full run's)
//   --docs             write docs/benchmarks.md from a --quick run too
//   --out DIR          results folder (default bench/results)
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { DEFAULT_OPTIONS, runBench, type BenchOptions } from "./bench.js";
import { updateDocs, writeResults } from "./output.js";
import { measureTelemetryCost, telemetryCostLine } from "./telemetry-cost.js";
import { sheddingTable } from "./run-shedding.js";
import {
  concurrencyTable,
  extrapolationNote,
  loadTable,
  overheadTable,
  summaryTable,
  targetsTable,
  targets,
  toolCycleTable,
  massConcurrencyTable,
  queueTable,
  limiterTable,
  streamTable,
  instructionsTable,
  chatCompareTable,
  memoryTable,
} from "./report.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string" },
    "no-load": { type: "boolean", default: false },
    "no-queue": { type: "boolean", default: false },
    "no-memory": { type: "boolean", default: false },
    instructions: { type: "boolean", default: false },
    "no-instructions": { type: "boolean", default: false },
    "no-docs": { type: "boolean", default: false },
    docs: { type: "boolean", default: false },
    out: { type: "string" },
  },
});

const options: Partial<BenchOptions> = {};
if (values.quick) {
  options.sizes = [1, 10, 100, 1000];
  options.reps = 1;
  options.largestSizeReps = 1;
  options.overhead = { calls: 1000, concurrency: 50, sequentialCalls: 300, reps: 1, steadyWarmupCalls: 3000 };
  options.toolCycle = { calls: 500, concurrency: 50, reps: 1 };
  options.queue = {
    ...(DEFAULT_OPTIONS.queue ?? { redisUrl: "redis://127.0.0.1:6379" }),
    items: 200,
    workers: [1, 2, 4],
    concurrency: 16,
    latencyMs: 100,
    limiterWorkers: 2,
    limiterReps: 1,
  };
  options.stream = { calls: 300, concurrency: 50, sequentialCalls: 100, reps: 1 };
  options.chatCompare = { latencyMs: 100, connections: [100, 1000], durationSec: 2, warmupRequests: 100 };
  options.memory = {
    ...(DEFAULT_OPTIONS.memory as NonNullable<BenchOptions["memory"]>),
    appends: 300,
    loads: 200,
    warmup: 100,
    reps: 1,
  };
  options.instructions = values.instructions
    ? { modes: ["floor", "raw", "async"], calls: 100, concurrency: 10, warmupCalls: 100 }
    : null;
  // Short windows: --quick is for trying a change in under two minutes, not for the record.
  options.load = { latencyMs: 500, connections: 100, durationSec: 3 };
  options.shedding = { connections: 2000, durationSec: 3, latencyMs: 500 };
}
if (values.reps) {
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps must be a positive integer, got ${values.reps}`);
  options.reps = reps;
  options.largestSizeReps = reps;
  options.overhead = { ...(options.overhead ?? DEFAULT_OPTIONS.overhead), reps };
  const toolCycle = options.toolCycle ?? DEFAULT_OPTIONS.toolCycle;
  if (toolCycle) options.toolCycle = { ...toolCycle, reps };
}
if (values["no-queue"]) options.queue = null;
if (values["no-memory"]) options.memory = null;
if (values["no-instructions"]) options.instructions = null;
if (values["no-load"]) {
  options.load = null;
  options.shedding = null;
  options.chatCompare = null;
}

const outDir = values.out ?? fileURLToPath(new URL("../results/", import.meta.url));
const docsPath = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));

const started = performance.now();
const results = await runBench(options);
const print = (title: string, body: string): void => console.log(`\n${title}\n\n${body}`);
print(
  `Kaizen benchmarks: fake LLM at ${results.options.latencyMs} ms (Node ${results.machine.node}, ${results.machine.cpus} cores)`,
  summaryTable(results),
);
const note = extrapolationNote(results);
if (note) console.log(`\n${note}`);
print("Targets", targetsTable(targets(results)));
print(`Concurrency at ${results.options.latencyMs} ms latency`, concurrencyTable(results));
print("Per-call overhead at 0 ms latency", overheadTable(results));
if (results.toolCycle) print("Tool cycle at 0 ms latency (CPU per cycle: two requests, one tool call)", toolCycleTable(results));
if (results.stream)
  print("Streaming at 0 ms latency (first byte to first partial object, CPU per streamed call)", streamTable(results));
if (results.instructions.length > 0) print("Instructions per call (callgrind)", instructionsTable(results));
else console.log(`\nInstruction counts skipped: ${results.instructionsSkipped}.`);
// In-process and CPU-only: run beside the tables, not as part of the load scenarios.
print("OpenTelemetry cost", telemetryCostLine(await measureTelemetryCost(values.quick ? { calls: 2000, reps: 2 } : {})));
if (results.massConcurrency) {
  const a = results.massConcurrency;
  print(
    `${a.spec.calls.toLocaleString("en-US")} concurrent runAsync calls at ${a.spec.latencyMs} ms latency`,
    massConcurrencyTable(results),
  );
}
if (results.queue) {
  const q = results.queue.throughput[0];
  print(`Queue workers: ${q?.items} items, fake LLM at ${q?.latencyMs} ms`, queueTable(results));
  print("Queue rate limiter overhead", limiterTable(results));
}
if (results.memory.length > 0) print("Memory backends vs their raw drivers", memoryTable(results));
if (results.chatCompare) print("The chat API vs a bare Fastify handler on the raw SDK", chatCompareTable(results));
if (results.load.length > 0) print("Chat API under load", loadTable(results));
if (results.shedding.length > 0)
  print(`Load shedding at ${results.shedding[0]?.connections} connections`, sheddingTable(results.shedding));
const written = await writeResults(results, outDir);
console.log(`\nWrote ${written.json} and ${written.markdown} (and latest.json / latest.md).`);
if (values["no-docs"] || (values.quick && !values.docs)) {
  console.log(`Left ${docsPath} alone (${values.quick ? "a --quick run; --docs writes it" : "--no-docs"}).`);
} else {
  await updateDocs(results, docsPath);
  console.log(`Updated ${docsPath}.`);
}
console.log(
  `\nTotal wall time: ${((performance.now() - started) / 1000).toFixed(0)} s (measuring ${results.durationSec.toFixed(0)} s; ` +
    `load average ${results.machine.loadAvgsStart.map((v) => v.toFixed(1)).join("/")} at the start, ` +
    `${results.machine.loadAvgsEnd.map((v) => v.toFixed(1)).join("/")} at the end, ${results.machine.cpus} cores).`,
);
if (results.failures.length > 0) {
  console.error(`\n${results.failures.length} scenario(s) had failed calls: the figures above are not trustworthy.`);
  process.exitCode = 1;
}
