#!/usr/bin/env node
// The README's two commands (`npm start`, `npm test`) land here. A fresh machine has Node and
// npm but no pnpm, so this script brings the pinned pnpm into .cache/ (no global install, no
// root needed), installs the workspace from the frozen lockfile, then hands over to turbo.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exitCodeOf, runSupervised } from "./supervise.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.split("@")[1];
const cacheDir = join(root, ".cache", `pnpm-${pinned}`);
// pnpm 11+ is a native binary; bin/pnpm.mjs (Corepack's entry) starts it from Node, also when npm
// skipped the install script that links it over the bins. pnpm 10 and older ship bin/pnpm.cjs.
const pnpmDir = join(cacheDir, "node_modules", "pnpm");
const pnpmEntry = () => [join(pnpmDir, "bin", "pnpm.mjs"), join(pnpmDir, "bin", "pnpm.cjs")].find((f) => existsSync(f));

// turbo looks pnpm up on PATH, so the cached one goes first.
const env = {
  ...process.env,
  PATH: `${join(cacheDir, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
};
// node-gyp (better-sqlite3 without a prebuilt binary) downloads Node's headers unless told where
// they are; the running Node's own, when installed beside it, work offline and always match.
const nodePrefix = dirname(dirname(process.execPath));
if (env.npm_config_nodedir === undefined && existsSync(join(nodePrefix, "include", "node", "node.h"))) {
  env.npm_config_nodedir = nodePrefix;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}
function must(cmd, args, opts) {
  const status = run(cmd, args, opts);
  if (status !== 0) process.exit(status);
}
function pnpm(args, opts) {
  return run(process.execPath, [pnpmEntry(), ...args], opts);
}

function ensurePnpm() {
  if (pnpmEntry() !== undefined) return;
  console.log(`[kaizen] installing pnpm ${pinned} into .cache/ (one time)`);
  must("npm", ["install", "--prefix", cacheDir, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `pnpm@${pinned}`]);
}

function ensureDependencies() {
  const status = pnpm(["install", "--frozen-lockfile", "--prefer-offline"]);
  if (status !== 0) process.exit(status);
}

// Each package's vitest writes .vitest-report.json (turbo restores it on a cache hit), so the
// whole run can end on one line with the totals.
function printTestTotals() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const dir of workspaceDirs()) {
    const file = join(dir, ".vitest-report.json");
    if (!existsSync(file)) continue;
    try {
      const report = JSON.parse(readFileSync(file, "utf8"));
      passed += report.numPassedTests ?? 0;
      failed += report.numFailedTests ?? 0;
      skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    } catch {
      failed += 1;
    }
  }
  console.log(`\nTests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
}

/** The workspace's package folders, from pnpm-workspace.yaml's `packages:` list ("x/*" or "x"). */
function workspaceDirs() {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const block = /^packages:\n((?:[ \t]+-.*\n?)+)/m.exec(yaml)?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => /^[ \t]+-[ \t]+["']?([^"'\s]+)/.exec(line)?.[1])
    .filter((entry) => entry !== undefined)
    .flatMap((entry) => {
      if (!entry.endsWith("/*")) return [join(root, entry)];
      const parent = join(root, entry.slice(0, -2));
      return existsSync(parent) ? readdirSync(parent).map((name) => join(parent, name)) : [];
    });
}

const [mode = "test", ...rest] = process.argv.slice(2);
ensurePnpm();
ensureDependencies();

switch (mode) {
  case "start": {
    // Asynchronous and supervised (scripts/supervise.mjs) so that a SIGTERM sent to npm, to this
    // process or to the process group reaches the server once; it drains the requests in flight.
    const { code, signal } = await runSupervised(process.execPath, [join(root, "scripts", "start.mjs"), ...rest], {
      cwd: root,
      env,
    });
    process.exit(exitCodeOf(code, signal));
    break;
  }
  case "test":
    must("bash", [join(root, "scripts", "ensure-services.sh")]);
    // Build, lint and typecheck may share both cores; the test suites then run one package at a
    // time so that tests which measure concurrency are not starved by a parallel tsc.
    if (pnpm(["exec", "prettier", "--check", "--log-level=warn", "."]) !== 0) {
      console.error("[kaizen] formatting differs from Prettier's: run `pnpm format` and commit.");
      process.exit(1);
    }
    if (pnpm(["exec", "turbo", "run", "build", "lint", "typecheck", "--output-logs=errors-only"]) !== 0) process.exit(1);
    {
      const status = pnpm(["exec", "turbo", "run", "test", "--concurrency=1", ...rest]);
      printTestTotals();
      process.exit(status);
    }
    break;
  case "pnpm":
    process.exit(pnpm(rest));
    break;
  default:
    console.error(`[kaizen] unknown mode ${mode}: use start, test or pnpm`);
    process.exit(2);
}
