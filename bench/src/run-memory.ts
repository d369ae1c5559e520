// The memory backends against their raw drivers (issue 20): each contender in a process of its own
// (memory-child.ts), raw then Kaizen per backend, repeated and interleaved; medians reported.
import { Child } from "./child-process.js";
import type { MemoryBackend, MemoryContender, MemoryResult, MemorySpec } from "./memory-child.js";
import { median } from "./scenario.js";

export interface MemoryOptions {
  backends: MemoryBackend[];
  appends: number;
  sessions: number;
  loads: number;
  loadTurns: number;
  concurrency: number;
  loadConcurrency: number;
  warmup: number;
  reps: number;
  redisUrl: string;
  postgresUrl: string;
}

export interface MemoryRow {
  backend: MemoryBackend;
  contender: MemoryContender;
  reps: number;
  /** Medians over the repetitions. */
  appendsPerSec: number;
  appendP99Ms: number;
  cpuMsPerAppend: number;
  loadsPerSec: number;
  loadP50Ms: number;
  loadP99Ms: number;
  cpuMsPerLoad: number;
  runs: MemoryResult[];
}

async function runOne(spec: MemorySpec): Promise<MemoryResult> {
  const child = new Child("memory-child", [], ["--expose-gc"]);
  try {
    child.send({ type: "start", spec });
    const { result } = await child.waitFor<{ type: "result"; result: MemoryResult }>("result", 300_000);
    return result;
  } finally {
    await child.stop();
  }
}

export async function runMemory(opts: MemoryOptions, log: (line: string) => void): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  for (const backend of opts.backends) {
    const runs = new Map<MemoryContender, MemoryResult[]>([
      ["raw", []],
      ["kaizen", []],
    ]);
    for (let rep = 0; rep < opts.reps; rep++) {
      for (const contender of ["raw", "kaizen"] as const) {
        // Table names and key prefixes of this run alone (shared servers).
        const prefix = `kzbench_${process.pid}_${Date.now().toString(36)}_${contender[0]}`;
        const r = await runOne({ ...opts, backend, contender, prefix });
        log(
          `[bench] memory ${backend} ${contender}: ${r.appendsPerSec.toFixed(0)} appends/s (p99 ${r.appendP99Ms.toFixed(2)} ms), ` +
            `load p99 ${r.loadP99Ms.toFixed(2)} ms`,
        );
        runs.get(contender)?.push(r);
      }
    }
    for (const [contender, rs] of runs) {
      const med = (pick: (r: MemoryResult) => number): number => median(rs.map(pick));
      rows.push({
        backend,
        contender,
        reps: rs.length,
        appendsPerSec: med((r) => r.appendsPerSec),
        appendP99Ms: med((r) => r.appendP99Ms),
        cpuMsPerAppend: med((r) => r.cpuMsPerAppend),
        loadsPerSec: med((r) => r.loadsPerSec),
        loadP50Ms: med((r) => r.loadP50Ms),
        loadP99Ms: med((r) => r.loadP99Ms),
        cpuMsPerLoad: med((r) => r.cpuMsPerLoad),
        runs: rs,
      });
    }
  }
  return rows;
}
