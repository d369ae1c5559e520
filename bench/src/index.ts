// The bench's harness, exported for its smoke test and for ad-hoc scripts. `pnpm bench` runs
// src/cli.ts; `pnpm --filter @kaizen/bench profile` runs src/profile-cli.ts.
export { DEFAULT_OPTIONS, runBench } from "./bench.js";
export type { Aggregate, BenchOptions, BenchResults, ConcurrencyRow, Extrapolated, Machine, OverheadPass } from "./bench.js";
export { concurrencyTable, loadTable, markdownReport, overheadTable, summaryTable, targets, targetsTable } from "./report.js";
export type { Target } from "./report.js";
export { updateDocs, writeResults } from "./output.js";
export type { Mode, ScenarioResult, ScenarioSpec } from "./scenario.js";
