// `pnpm bench:install`: the install footprint of Kaizen next to `ai` + `@ai-sdk/openai`, measured
// in the same run from the same local registry (see install-footprint.ts). Needs the npm
// registry (the local one, on 127.0.0.1, proxies it); a few minutes.
//   --install-runs N   empty-cache + warm-cache installs per contender (default 3; medians shown)
//   --import-runs N    fresh processes timing the cold import per contender (default 9)
//   --out DIR          results folder (default bench/results)
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkGoals, footprintTable, measureFootprints } from "./install-footprint.js";

const { values } = parseArgs({
  options: {
    "install-runs": { type: "string", default: "3" },
    "import-runs": { type: "string", default: "9" },
    out: { type: "string" },
  },
});
function positive(flag: "install-runs" | "import-runs"): number {
  const n = Number(values[flag]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer, got ${values[flag]}`);
  return n;
}
const installRuns = positive("install-runs");
const importRuns = positive("import-runs");
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const outDir = values.out ?? fileURLToPath(new URL("../results/", import.meta.url));

// Ctrl-C or SIGTERM: stop the child in flight, then the registry, then remove the temp dir.
const abort = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`[bench:install] ${signal}: stopping and cleaning up`);
    process.exitCode = 130;
    abort.abort(new Error(`interrupted by ${signal}`));
  });
}

const startedAt = new Date().toISOString();
const results = await measureFootprints({
  repoRoot,
  importRuns,
  installRuns,
  signal: abort.signal,
  onProgress: (line) => console.log(`[bench:install] ${line}`),
});
console.log(
  `\nInstall footprint (Node ${process.version}, both from one local registry proxying npm, ${installRuns} install runs)\n\n${footprintTable(results)}`,
);
const [ours, theirs] = results;
const goals = ours && theirs ? checkGoals(ours, theirs) : [];
const report = `${JSON.stringify({ startedAt, node: process.version, installRuns, importRuns, results, goals }, null, 2)}\n`;
await mkdir(outDir, { recursive: true });
const file = join(outDir, `install-${startedAt.replace(/[:.]/g, "-")}.json`);
await writeFile(file, report);
await writeFile(join(outDir, "install-latest.json"), report);
console.log(`\nWrote ${file} (and install-latest.json).`);
