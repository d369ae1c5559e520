// A repeatable CPU figure (issue 20): instructions per call, counted by valgrind's callgrind, which
// counts what the process executes rather than how long it took, so other work on a shared machine
// does not move it. (`perf stat -e instructions` would be cheaper, but virtual machines often have
// no hardware counters: where `perf` reports them "not supported", as here, callgrind is the way.)
// The scenario child runs under valgrind with the usual warm-up; the counters are zeroed when it
// is warm (callgrind_control -z) and dumped when its measured calls are done (-d), so startup and
// warm-up are not in the figure: instructions of N calls / N. Callgrind runs code about 50× slower,
// so N is small.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Child } from "./child-process.js";
import type { FakeLLM } from "./fake-llm.js";
import type { Mode, ScenarioResult, ScenarioSpec } from "./scenario.js";

const run = promisify(execFile);

export interface InstructionOptions {
  modes: Mode[];
  calls: number;
  concurrency: number;
  warmupCalls: number;
  /**
   * A directory holding the compiled bench (scenario-child.js) to run under valgrind. Default: this
   * module's own directory. From source (the smoke test) the TypeScript loader under valgrind would
   * cost minutes per contender, so the test compiles the bench first and points here.
   */
  compiledDir?: string;
}

export interface InstructionCount {
  mode: Mode;
  calls: number;
  concurrency: number;
  warmupCalls: number;
  /** Instructions executed (callgrind's Ir, all threads) from the zero to the dump. */
  instructions: number;
  instructionsPerCall: number;
  /** The scenario's own figures under valgrind (wall and CPU are valgrind's, not comparable). */
  ok: number;
  failed: number;
  firstError?: string;
}

/** Whether callgrind can run here (valgrind and callgrind_control on the PATH). */
export async function callgrindAvailable(): Promise<boolean> {
  try {
    await run("valgrind", ["--version"]);
    await run("callgrind_control", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

/** The total cost line of a callgrind dump ("totals: N", or "summary: N" in older formats). */
export function callgrindTotal(text: string): number {
  const m = /^totals:\s+(\d+)/m.exec(text) ?? /^summary:\s+(\d+)/m.exec(text);
  if (!m?.[1]) throw new Error("callgrind dump without a totals line");
  return Number(m[1]);
}

export async function countInstructions(fake: FakeLLM, mode: Mode, opts: InstructionOptions): Promise<InstructionCount> {
  const dir = await mkdtemp(join(tmpdir(), "kaizen-bench-callgrind-"));
  const spec: ScenarioSpec = {
    mode,
    calls: opts.calls,
    concurrency: opts.concurrency,
    latencyMs: 0,
    warmupCalls: opts.warmupCalls,
    pauseAfterMeasure: true,
  };
  await fake.setLatency(0);
  const child = new Child(
    "scenario-child",
    [],
    ["--expose-gc"],
    { command: "valgrind", args: ["--tool=callgrind", "-q", `--callgrind-out-file=${join(dir, "cg.out")}`] },
    opts.compiledDir,
  );
  const pid = String(child.process.pid);
  try {
    child.send({ type: "start", spec, openaiBaseUrl: fake.openaiBaseUrl });
    await child.waitFor("warm", 600_000);
    await run("callgrind_control", ["-z", pid]);
    child.send({ type: "go" });
    await child.waitFor("measured", 600_000);
    await run("callgrind_control", ["-d", pid]);
    child.send({ type: "resume" });
    const { result } = await child.waitFor<{ type: "result"; result: ScenarioResult }>("result", 120_000);
    // The dump of -d is the first numbered one: cg.out.1 (the exit writes cg.out itself).
    const dumps = (await readdir(dir)).filter((f) => /^cg\.out\.\d+$/.test(f)).sort();
    const first = dumps[0];
    if (!first) throw new Error(`callgrind wrote no dump for ${mode} (files: ${(await readdir(dir)).join(", ")})`);
    const instructions = callgrindTotal(await readFile(join(dir, first), "utf8"));
    const out: InstructionCount = {
      mode,
      calls: opts.calls,
      concurrency: opts.concurrency,
      warmupCalls: opts.warmupCalls,
      instructions,
      instructionsPerCall: instructions / opts.calls,
      ok: result.ok,
      failed: result.failed,
    };
    if (result.firstError !== undefined) out.firstError = result.firstError;
    return out;
  } finally {
    await child.stop(30_000);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function countAllInstructions(
  fake: FakeLLM,
  opts: InstructionOptions,
  log: (line: string) => void,
): Promise<InstructionCount[]> {
  const out: InstructionCount[] = [];
  for (const mode of opts.modes) {
    const c = await countInstructions(fake, mode, opts);
    log(`[bench] callgrind ${mode}: ${(c.instructionsPerCall / 1e6).toFixed(2)} M instructions per call (${c.calls} calls)`);
    out.push(c);
  }
  return out;
}
