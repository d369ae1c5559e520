// The footprint bench's bookkeeping on a node_modules made by hand, its goals and table, and the
// pieces of the local-registry setup that need no registry (the measured run itself needs the
// npm registry and minutes, so `pnpm bench:install` runs it, not `npm test`).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import {
  CONTENDERS,
  checkGoals,
  footprintTable,
  importScript,
  median,
  readInstalled,
  treeBytes,
  treeFiles,
  type Footprint,
} from "./install-footprint.js";
import { benchManifest, benchVersion } from "./install-pack.js";
import { verdaccioConfig } from "./install-registry.js";
import { cleanNpmEnv } from "./install-run.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("counts installed packages, install scripts, files and bytes from npm's hidden lockfile", () => {
  dir = mkdtempSync(join(tmpdir(), "footprint-test-"));
  mkdirSync(join(dir, "node_modules", "a"), { recursive: true });
  mkdirSync(join(dir, "node_modules", "b", "node_modules", "c"), { recursive: true });
  writeFileSync(join(dir, "node_modules", "a", "index.js"), "x".repeat(1000));
  writeFileSync(join(dir, "node_modules", "b", "node_modules", "c", "index.js"), "y".repeat(234));
  const registry = "http://127.0.0.1:4873/";
  writeFileSync(
    join(dir, "node_modules", ".package-lock.json"),
    JSON.stringify({
      packages: {
        "": { name: "root" },
        "node_modules/a": { version: "1.0.0", resolved: `${registry}a/-/a-1.0.0.tgz` },
        "node_modules/b": { version: "2.0.0", hasInstallScript: true, resolved: `${registry}b/-/b-2.0.0.tgz` },
        "node_modules/b/node_modules/c": { version: "3.0.0", resolved: "https://registry.npmjs.org/c/-/c-3.0.0.tgz" },
      },
    }),
  );
  const installed = readInstalled(dir, registry);
  expect(installed.packages).toBe(3);
  expect(installed.installScripts).toEqual(["b"]);
  expect(installed.versions).toEqual({ a: "1.0.0", b: "2.0.0", c: "3.0.0" });
  // c came from elsewhere: the run would not be like for like.
  expect(installed.foreign).toEqual(["b/node_modules/c (https://registry.npmjs.org/c/-/c-3.0.0.tgz)"]);
  expect(readInstalled(dir).foreign).toEqual([]);
  const lockBytes = JSON.stringify({}).length; // counted too, like any file on disk
  expect(treeBytes(join(dir, "node_modules"))).toBeGreaterThan(1234 + lockBytes);
  expect(treeFiles(join(dir, "node_modules"))).toBe(3);
});

const row = (name: string, scale: number, importScale = scale): Footprint => ({
  name,
  packages: 10 * scale,
  bytes: 20_000_000 * scale,
  files: 1000 * scale,
  coldInstallSeconds: [4 * scale, 5 * scale, 3 * scale],
  warmInstallSeconds: [2 * scale],
  installScripts: [],
  importMs: [100 * importScale, 90 * importScale, 110 * importScale],
  firstRequestMs: [200 * importScale, 190 * importScale, 210 * importScale],
  versions: { x: "1.0.0" },
});

it("reports medians, each measure's ratio ours/theirs and the goal it meets or misses", () => {
  expect(median([5, 1, 3])).toBe(3);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  const table = footprintTable([row("ours", 1), row("theirs", 2)]);
  expect(table).toContain("|  | ours | theirs | ratio | goal |");
  expect(table).toContain("| size on disk | 20.0 MB | 40.0 MB | 0.50x | ≤ 1.5x: goal met |");
  expect(table).toContain("| files on disk | 1000 | 2000 | 0.50x |  |");
  expect(table).toContain(
    "| npm install, empty cache (median of 3) | 4.0 s (3.0-5.0) | 8.0 s (6.0-10.0) | 0.50x | ≤ 1.5x: goal met |",
  );
  expect(table).toContain("| cold import (median of 3) | 100 ms (90-110) | 200 ms (180-220) | 0.50x | ≤ 1.0x: goal met |");
  expect(table).toContain("| install scripts (native build) | none | none |  | none: goal met |");
  expect(table).toContain("theirs: x@1.0.0");
});

it("misses a goal past its limit: 1.5x for size and seconds, 1.0x for the imports, any install script", () => {
  const ours = { ...row("ours", 1.6, 1.01), installScripts: ["better-sqlite3"] };
  const verdicts = Object.fromEntries(checkGoals(ours, row("theirs", 1)).map((g) => [g.goal, g.met]));
  expect(verdicts).toEqual({
    "size on disk": false,
    "npm install, empty cache": false,
    "npm install, warm cache": false,
    "cold import": false,
    "cold import + first request": false,
    "install scripts": false,
  });
  const atLimits = checkGoals(row("ours", 1.5, 1), row("theirs", 1));
  expect(atLimits.every((g) => g.met)).toBe(true);
  expect(footprintTable([ours, row("theirs", 1)])).toContain("| yes: better-sqlite3 | none |  | none: MISS |");
});

it("times the imports, then the first request's, in one fresh process", () => {
  dir = mkdtempSync(join(tmpdir(), "footprint-test-"));
  writeFileSync(join(dir, "slow.mjs"), "const end = Date.now() + 30; while (Date.now() < end);\n");
  const script = importScript({ name: "x", dependencies: {}, imports: ["node:path"], firstRequestImports: ["./slow.mjs"] });
  writeFileSync(join(dir, "import-time.mjs"), script);
  const [imported, firstRequest] = execFileSync(process.execPath, ["import-time.mjs"], { cwd: dir, encoding: "utf8" })
    .trim()
    .split(" ")
    .map(Number);
  expect(imported).toBeGreaterThanOrEqual(0);
  expect(firstRequest! - imported!).toBeGreaterThanOrEqual(29);
  // Ours imports what the root README example imports; the OpenAI SDK is loaded on first request.
  expect(CONTENDERS[0]!.imports).toEqual(["zod", "@kaizen/signatures", "@kaizen/core"]);
  expect(CONTENDERS[0]!.firstRequestImports).toEqual(["openai"]);
});

it("publishes Kaizen at a bench prerelease, its own ranges moved to it and the rest kept", () => {
  const version = benchVersion(new Date("2026-12-03T10:31:29.123Z"));
  expect(version).toBe("0.0.0-bench.20261203103129");
  const manifest = benchManifest(
    {
      name: "@kaizen/core",
      version: "0.0.0",
      dependencies: { "@kaizen/contracts": "^0.0.0", zod: "^4.1.5" },
      peerDependencies: { "@opentelemetry/api": "^1.9.0" },
    },
    version,
    "@kaizen",
  );
  expect(manifest).toEqual({
    name: "@kaizen/core",
    version,
    dependencies: { "@kaizen/contracts": `^${version}`, zod: "^4.1.5" },
    peerDependencies: { "@opentelemetry/api": "^1.9.0" },
  });
});

it("configures the registry to keep the local scope local and proxy the rest", () => {
  const config = verdaccioConfig({ storage: "/tmp/s", uplink: "https://registry.npmjs.org/", localScopes: ["@kaizen"] });
  const local = config.slice(config.indexOf('"@kaizen/*"'), config.indexOf('"**"'));
  expect(local).toContain("publish: $anonymous");
  expect(local).not.toContain("proxy");
  expect(config.slice(config.indexOf('"**"'))).toContain("proxy: npmjs");
  expect(config).toContain('url: "https://registry.npmjs.org/"');
  expect(config).toContain('storage: "/tmp/s"');
});

it("runs npm with none of the caller's npm or pnpm settings", () => {
  const env = cleanNpmEnv(
    { PATH: "/bin", npm_config_registry: "http://elsewhere/", npm_package_name: "x", NPM_CONFIG_CACHE: "/c", HOME: "/h" },
    { EXTRA: "1" },
  );
  expect(env).toEqual({ PATH: "/bin", HOME: "/h", EXTRA: "1" });
});
