// `pnpm bench`: runs everything, prints the tables, writes results/ and docs/benchmarks.md.
//   --quick            smaller sizes and fewer repetitions (a minute; for trying changes)
//   --reps N           repetitions of every repeated run (default 3, and 7 at 1000 concurrent)
//   --no-load          skip the chat API load tests (the load comparison and load shedding)
//   --no-queue         skip the @kaizen/queue rows (they need Redis: KAIZEN_BENCH_REDIS_URL, default 127.0.0.1:6379)
//   --no-docs          leave docs/benchmarks.md alone
//   --out DIR          results folder (default bench/results)
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
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
} from "./report.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string" },
    "no-load": { type: "boolean", default: false },
    "no-queue": { type: "boolean", default: false },
    "no-docs": { type: "boolean", default: false },
    out: { type: "string" },
  },
});

const options: Partial<BenchOptions> = {};
if (values.quick) {
  options.sizes = [1, 10, 100, 1000];
  options.reps = 1;
  options.largestSizeReps = 1;
  options.overhead = { calls: 1000, concurrency: 50, sequentialCalls: 300, reps: 1 };
  options.toolCycle = { calls: 500, concurrency: 50, reps: 1 };
  options.queue = {
    ...(DEFAULT_OPTIONS.queue ?? { redisUrl: "redis://127.0.0.1:6379" }),
    items: 300,
    workers: [1, 2, 4],
    concurrency: 16,
    latencyMs: 100,
    limiterWorkers: 2,
    limiterReps: 2,
  };
  options.load = { latencyMs: 500, connections: 100, durationSec: 5 };
  options.shedding = { connections: 2000, durationSec: 5, latencyMs: 500 };
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
if (values["no-load"]) {
  options.load = null;
  options.shedding = null;
}

const outDir = values.out ?? fileURLToPath(new URL("../results/", import.meta.url));
const docsPath = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));

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
if (results.load.length > 0) print("Chat API under load", loadTable(results));
if (results.shedding.length > 0)
  print(`Load shedding at ${results.shedding[0]?.connections} connections`, sheddingTable(results.shedding));
const written = await writeResults(results, outDir);
console.log(`\nWrote ${written.json} and ${written.markdown} (and latest.json / latest.md).`);
if (!values["no-docs"]) {
  await updateDocs(results, docsPath);
  console.log(`Updated ${docsPath}.`);
}
if (results.failures.length > 0) {
  console.error(`\n${results.failures.length} scenario(s) had failed calls: the figures above are not trustworthy.`);
  process.exitCode = 1;
}
