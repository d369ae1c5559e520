// `pnpm bench:install`: the install footprint of Kaizen next to `ai` + `@ai-sdk/openai`, measured
// in the same run (see install-footprint.ts). Needs the npm registry.
//   --import-runs N    fresh processes timing the cold import (default 7; the median is shown)
//   --out DIR          results folder (default bench/results)
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { footprintTable, measureFootprints } from "./install-footprint.js";

const { values } = parseArgs({
  options: { "import-runs": { type: "string", default: "7" }, out: { type: "string" } },
});
const importRuns = Number(values["import-runs"]);
if (!Number.isInteger(importRuns) || importRuns < 1) {
  throw new Error(`--import-runs must be a positive integer, got ${values["import-runs"]}`);
}
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const outDir = values.out ?? fileURLToPath(new URL("../results/", import.meta.url));

const startedAt = new Date().toISOString();
const results = await measureFootprints({ repoRoot, importRuns, onProgress: (line) => console.log(`[bench:install] ${line}`) });
console.log(`\nInstall footprint (Node ${process.version}, npm registry, one run)\n\n${footprintTable(results)}`);
await mkdir(outDir, { recursive: true });
const file = join(outDir, `install-${startedAt.replace(/[:.]/g, "-")}.json`);
await writeFile(file, `${JSON.stringify({ startedAt, node: process.version, results }, null, 2)}\n`);
await writeFile(
  join(outDir, "install-latest.json"),
  `${JSON.stringify({ startedAt, node: process.version, results }, null, 2)}\n`,
);
console.log(`\nWrote ${file} (and install-latest.json).`);
