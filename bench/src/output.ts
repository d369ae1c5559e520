import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { BenchResults } from "./bench.js";
import { markdownReport, targets } from "./report.js";

export interface Written {
  json: string;
  markdown: string;
}

/** results/bench-<time>.{json,md} plus results/latest.{json,md}. */
export async function writeResults(results: BenchResults, outDir: string): Promise<Written> {
  await mkdir(outDir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, "-");
  const json = `${JSON.stringify({ ...results, targets: targets(results) }, null, 2)}\n`;
  const md = `# Kaizen benchmarks\n\n${markdownReport(results)}\n`;
  const files = { json: join(outDir, `bench-${stamp}.json`), markdown: join(outDir, `bench-${stamp}.md`) };
  await writeFile(files.json, json);
  await writeFile(files.markdown, md);
  await writeFile(join(outDir, "latest.json"), json);
  await writeFile(join(outDir, "latest.md"), md);
  return files;
}

export const BEGIN = "<!-- bench:results:begin (written by `pnpm bench`; edit outside these markers) -->";
export const END = "<!-- bench:results:end -->";

/**
 * Replaces the generated part of docs/benchmarks.md and keeps the hand-written rest (method,
 * analysis of misses). A missing file or missing markers get the generated part appended.
 */
export async function updateDocs(results: BenchResults, docsPath: string): Promise<void> {
  let current = "";
  try {
    current = await readFile(docsPath, "utf8");
  } catch {
    current = "# Benchmarks\n\n";
  }
  const block = `${BEGIN}\n${markdownReport(results)}\n${END}`;
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? current.slice(0, begin) + block + current.slice(end + END.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  await mkdir(dirname(docsPath), { recursive: true });
  await writeFile(docsPath, next);
}
