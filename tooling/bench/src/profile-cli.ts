// `pnpm --filter @kaizen/bench profile -- --mode async --calls 3000 --concurrency 50 --latency 0`
// Profiles the measured phase of one scenario (main thread, 200 µs sampling) and prints the top
// self-time functions and packages. The .cpuprofile lands in results/ (open it in Chrome DevTools).
import { readFile } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { summarizeProfile, type CpuProfile } from "./cpu-profile.js";
import { startFakeLLMProcess } from "./fake-llm.js";
import { table } from "./report.js";
import { runScenario } from "./run-scenario.js";
import type { Mode } from "./scenario.js";

const { values } = parseArgs({
  options: {
    mode: { type: "string", default: "async" },
    calls: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "50" },
    latency: { type: "string", default: "0" },
    top: { type: "string", default: "30" },
  },
});
const mode = values.mode as Mode;
if (!["raw", "async", "sync", "raw-sync"].includes(mode)) throw new Error(`--mode must be raw, async, sync or raw-sync, got ${mode}`);

const outDir = fileURLToPath(new URL("../results/", import.meta.url));
mkdirSync(outDir, { recursive: true });
const profilePath = join(outDir, `profile-${mode}-${Date.now()}.cpuprofile`);
const fake = await startFakeLLMProcess();
try {
  const r = await runScenario(fake, {
    mode,
    calls: Number(values.calls),
    concurrency: Number(values.concurrency),
    latencyMs: Number(values.latency),
    warmupCalls: 200,
    profilePath,
  });
  const s = summarizeProfile(JSON.parse(await readFile(profilePath, "utf8")) as CpuProfile, Number(values.top));
  console.log(
    `${mode}: ${r.spec.calls} calls at concurrency ${r.spec.concurrency}, ${r.wallMs.toFixed(0)} ms wall, ` +
      `${r.cpuMsPerCall.toFixed(3)} ms CPU/call (profiling on), ${s.totalMs.toFixed(0)} ms sampled on the main thread`,
  );
  const fmt = (rows: { name: string; selfMs: number; percent: number }[]): string[][] =>
    rows.map((f) => [f.selfMs.toFixed(1), `${f.percent.toFixed(1)}%`, f.name]);
  console.log(`\nSelf time by package\n\n${table(["ms", "%", "package"], fmt(s.packages))}`);
  console.log(`\nTop self-time functions\n\n${table(["ms", "%", "function"], fmt(s.functions))}`);
  console.log(`\nProfile: ${profilePath}`);
} finally {
  await fake.close();
}
