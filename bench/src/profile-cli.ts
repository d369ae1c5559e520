// `pnpm --filter @kaizen/bench run profile --mode async --calls 3000 --concurrency 50 --latency 0`
// Profiles the measured phase of one scenario (main thread, 200 µs sampling) and prints the top
// self-time functions and packages. The .cpuprofile lands in results/ (open it in Chrome DevTools).
// --all-threads: profiles the whole scenario process with --cpu-prof instead, every thread
// (run()'s I/O happens on a worker thread), warm-up included; one summary per thread.
import { readFile, readdir } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { summarizeProfile, type CpuProfile } from "./cpu-profile.js";
import { startFakeLLMProcess } from "./fake-llm.js";
import { table } from "./report.js";
import { runScenario } from "./run-scenario.js";
import { MODE_LABEL, type Mode } from "./scenario.js";

const { values } = parseArgs({
  options: {
    mode: { type: "string", default: "async" },
    calls: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "50" },
    latency: { type: "string", default: "0" },
    top: { type: "string", default: "30" },
    "all-threads": { type: "boolean", default: false },
  },
});
const mode = values.mode as Mode;
const modes = Object.keys(MODE_LABEL);
if (!modes.includes(mode)) throw new Error(`--mode must be one of ${modes.join(", ")}, got ${mode}`);

const outDir = fileURLToPath(new URL("../results/", import.meta.url));
mkdirSync(outDir, { recursive: true });
const stamp = Date.now();
const allThreads = values["all-threads"];
const profilePath = join(outDir, `profile-${mode}-${stamp}.cpuprofile`);
const profileDir = join(outDir, `profile-${mode}-${stamp}`);
const fake = await startFakeLLMProcess();
const fmt = (rows: { name: string; selfMs: number; percent: number }[]): string[][] =>
  rows.map((f) => [f.selfMs.toFixed(1), `${f.percent.toFixed(1)}%`, f.name]);
const show = async (file: string, title: string): Promise<void> => {
  const s = summarizeProfile(JSON.parse(await readFile(file, "utf8")) as CpuProfile, Number(values.top));
  console.log(`\n## ${title}: ${s.totalMs.toFixed(0)} ms sampled (idle excluded)`);
  console.log(`\nSelf time by package\n\n${table(["ms", "%", "package"], fmt(s.packages))}`);
  console.log(`\nTop self-time functions\n\n${table(["ms", "%", "function"], fmt(s.functions))}`);
  console.log(`\nProfile: ${file}`);
};
try {
  const r = await runScenario(
    fake,
    {
      mode,
      calls: Number(values.calls),
      concurrency: Number(values.concurrency),
      latencyMs: Number(values.latency),
      warmupCalls: 200,
      ...(allThreads ? {} : { profilePath }),
    },
    () => undefined,
    allThreads ? ["--cpu-prof", "--cpu-prof-dir", profileDir, "--cpu-prof-interval", "200"] : [],
  );
  console.log(
    `${mode}: ${r.spec.calls} calls at concurrency ${r.spec.concurrency}, ${r.wallMs.toFixed(0)} ms wall, ` +
      `${r.cpuMsPerCall.toFixed(3)} ms CPU/call (profiling on)`,
  );
  if (allThreads) {
    // One file per thread, named CPU.<date>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the main thread.
    for (const file of (await readdir(profileDir)).sort()) {
      const thread = /\.\d+\.(\d+)\.\d+\.cpuprofile$/.exec(file)?.[1] ?? "?";
      await show(
        join(profileDir, file),
        thread === "0" ? "main thread (whole process life)" : `worker thread ${thread} (whole life)`,
      );
    }
  } else {
    await show(profilePath, "main thread, measured phase");
  }
} finally {
  await fake.close();
}
