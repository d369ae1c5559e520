// What a new user pays before the first call: `npm install` of Kaizen (core + signatures, packed
// from this repository) with openai and zod, next to `ai` + `@ai-sdk/openai` with zod, in one run
// on one machine. Both install from the same local registry (install-registry.ts: Kaizen's
// packages published to it, everything else proxied from the npm registry and cached by an
// untimed priming install), into blank projects, with the same npm flags. Per contender: packages
// installed, bytes on disk, install seconds with an empty npm cache and with one primed by an
// install of the same set (medians of a few runs), whether any install script ran (a native
// build), and the median cold `import()` of what the user's program loads before its first call.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchVersion, packForRegistry } from "./install-pack.js";
import { startLocalRegistry } from "./install-registry.js";
import { cleanNpmEnv, must } from "./install-run.js";

export interface Contender {
  name: string;
  /** package.json dependencies; `local` means the version this run published (Kaizen's). */
  dependencies: Record<string, string>;
  /** What the user's program imports, in this order, timed in a fresh process. */
  imports: string[];
  /** What the first request loads on top (a provider's SDK imported on first use), timed after. */
  firstRequestImports: string[];
}

export const CONTENDERS: Contender[] = [
  {
    name: "Kaizen (core + signatures) + openai + zod",
    dependencies: { "@kaizen/core": "local", "@kaizen/signatures": "local", openai: "^6.49.0", zod: "^4.1.5" },
    // The root README example's imports. The OpenAI provider imports the `openai` SDK on its
    // first request (providers/src/openai-provider.ts): timed too, as the second figure, since it
    // loads before the first answer where `@ai-sdk/openai` has loaded everything at import.
    imports: ["zod", "@kaizen/signatures", "@kaizen/core"],
    firstRequestImports: ["openai"],
  },
  {
    name: "ai + @ai-sdk/openai + zod",
    dependencies: { ai: "latest", "@ai-sdk/openai": "latest", zod: "^4.1.5" },
    imports: ["zod", "ai", "@ai-sdk/openai"],
    firstRequestImports: [],
  },
];

// Kaizen packages a core install pulls in, published to the local registry.
export const KAIZEN_PACKAGES = ["contracts", "signatures", "providers", "memory", "core"];

// Every install, cold or warm, ours or theirs: the same flags.
const NPM_FLAGS = ["--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"];

export interface Footprint {
  name: string;
  packages: number;
  bytes: number;
  files: number;
  coldInstallSeconds: number[];
  warmInstallSeconds: number[];
  installScripts: string[];
  importMs: number[];
  /** importMs plus the first request's imports, same processes. */
  firstRequestMs: number[];
  versions: Record<string, string>;
}

/** Bytes of every regular file under `dir` (symlinks not followed), as `du --apparent-size` counts. */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

/** Regular files under `dir`: npm writes each one, so they weigh on install time beside bytes. */
export function treeFiles(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) total += treeFiles(join(dir, entry.name));
    else if (entry.isFile()) total += 1;
  }
  return total;
}

export interface Installed {
  packages: number;
  installScripts: string[];
  versions: Record<string, string>;
  /** Packages resolved from anywhere but `registry` (when given): a run that is not like for like. */
  foreign: string[];
}

/** Installed packages and the ones with an install script, from npm's node_modules/.package-lock.json. */
export function readInstalled(project: string, registry?: string): Installed {
  const lock = JSON.parse(readFileSync(join(project, "node_modules", ".package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string; resolved?: string; hasInstallScript?: boolean }>;
  };
  const entries = Object.entries(lock.packages).filter(([path]) => path.startsWith("node_modules/"));
  const versions: Record<string, string> = {};
  for (const [path, p] of entries)
    versions[path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length)] ??= p.version ?? "?";
  return {
    packages: entries.length,
    installScripts: entries.filter(([, p]) => p.hasInstallScript).map(([path]) => path.slice("node_modules/".length)),
    versions,
    foreign:
      registry === undefined
        ? []
        : entries
            .filter(([, p]) => !p.resolved?.startsWith(registry))
            .map(([path, p]) => `${path.slice("node_modules/".length)} (${p.resolved ?? "no resolved URL"})`),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface FootprintOptions {
  repoRoot: string;
  /** Fresh processes timing the imports, per contender; the median is reported. */
  importRuns: number;
  /** Cold + warm installs per contender; the medians are reported. */
  installRuns: number;
  /** The registry the local one proxies; default: the user's npm registry. */
  uplink?: string;
  contenders?: Contender[];
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

export async function measureFootprints(options: FootprintOptions): Promise<Footprint[]> {
  const tmp = mkdtempSync(join(tmpdir(), "kaizen-footprint-"));
  const log = options.onProgress ?? (() => undefined);
  const { signal } = options;
  const env = cleanNpmEnv(process.env);
  const contenders = options.contenders ?? CONTENDERS;
  let stopRegistry: (() => Promise<void>) | undefined;
  try {
    const uplink = options.uplink ?? (await must("npm", ["config", "get", "registry"], tmp, { env, signal })).stdout.trim();
    const version = benchVersion(new Date());
    log(`packing ${KAIZEN_PACKAGES.join(", ")} as ${version}`);
    const unpacked = await packForRegistry(options.repoRoot, KAIZEN_PACKAGES, join(tmp, "packs"), version, { signal });
    log(`starting a local registry (Verdaccio) proxying ${uplink}`);
    const registry = await startLocalRegistry({
      dir: join(tmp, "registry"),
      uplink,
      localScopes: ["@kaizen"],
      env,
      ...(signal ? { signal } : {}),
    });
    stopRegistry = registry.stop;
    log(`registry on ${registry.url}; publishing`);
    for (const dir of unpacked.values()) await registry.publish(dir);
    const npmrc = join(tmp, "install.npmrc");
    writeFileSync(npmrc, `registry=${registry.url}\n`);

    const install = async (contender: Contender, project: string, cache: string): Promise<number> => {
      mkdirSync(project, { recursive: true });
      const dependencies = Object.fromEntries(
        Object.entries(contender.dependencies).map(([name, spec]) => [name, spec === "local" ? `^${version}` : spec]),
      );
      writeFileSync(
        join(project, "package.json"),
        JSON.stringify({ name: "footprint", version: "1.0.0", private: true, dependencies }),
      );
      const args = ["install", ...NPM_FLAGS, "--userconfig", npmrc, "--registry", registry.url, "--cache", cache];
      return (await must("npm", args, project, { env, signal })).ms / 1000;
    };

    // Untimed: the registry fetches and caches every packument and tarball either side needs, so
    // the timed installs below are served from 127.0.0.1 for both.
    for (const [i, contender] of contenders.entries()) {
      log(`${contender.name}: priming the local registry`);
      await install(contender, join(tmp, `prime-${i}`), join(tmp, `prime-cache-${i}`));
      rmSync(join(tmp, `prime-${i}`), { recursive: true, force: true });
      rmSync(join(tmp, `prime-cache-${i}`), { recursive: true, force: true });
    }

    const results: Footprint[] = contenders.map((c) => ({
      name: c.name,
      packages: 0,
      bytes: 0,
      files: 0,
      coldInstallSeconds: [],
      warmInstallSeconds: [],
      installScripts: [],
      importMs: [],
      firstRequestMs: [],
      versions: {},
    }));
    const projects: string[] = [];
    // Runs alternate between the contenders, so a busy moment on a shared machine slows both.
    for (let r = 0; r < options.installRuns; r++) {
      for (const [i, contender] of contenders.entries()) {
        const cache = join(tmp, `cache-${r}-${i}`);
        const cold = join(tmp, `cold-${r}-${i}`);
        const warm = join(tmp, `warm-${r}-${i}`);
        log(`${contender.name}: run ${r + 1}/${options.installRuns}, empty cache then warm`);
        results[i]!.coldInstallSeconds.push(await install(contender, cold, cache));
        results[i]!.warmInstallSeconds.push(await install(contender, warm, cache));
        rmSync(cold, { recursive: true, force: true });
        rmSync(cache, { recursive: true, force: true });
        if (r < options.installRuns - 1) rmSync(warm, { recursive: true, force: true });
        else projects[i] = warm;
      }
    }
    for (const [i, contender] of contenders.entries()) {
      const project = projects[i]!;
      const installed = readInstalled(project, registry.url);
      if (installed.foreign.length)
        throw new Error(`${contender.name}: installed from outside the local registry: ${installed.foreign.join(", ")}`);
      Object.assign(results[i]!, {
        packages: installed.packages,
        bytes: treeBytes(join(project, "node_modules")),
        files: treeFiles(join(project, "node_modules")),
        installScripts: installed.installScripts,
        versions: Object.fromEntries(Object.keys(contender.dependencies).map((name) => [name, installed.versions[name] ?? "?"])),
      });
      writeFileSync(join(project, "import-time.mjs"), importScript(contender));
    }
    log(`cold import, ${options.importRuns} fresh processes each, alternating`);
    for (let r = 0; r < options.importRuns; r++) {
      for (const [i, project] of projects.entries()) {
        const timed = await must(process.execPath, ["import-time.mjs"], project, { env, signal });
        const [imported, firstRequest] = timed.stdout.trim().split(" ").map(Number);
        results[i]!.importMs.push(imported!);
        results[i]!.firstRequestMs.push(firstRequest!);
      }
    }
    return results;
  } finally {
    await stopRegistry?.();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A module timing `import()` of the contender's imports, then of its first request's: prints both, in ms. */
export function importScript(contender: Contender): string {
  const load = (modules: string[]): string[] => modules.map((m) => `await import(${JSON.stringify(m)});`);
  return [
    "const t0 = performance.now();",
    ...load(contender.imports),
    "const t1 = performance.now();",
    ...load(contender.firstRequestImports),
    "console.log(`${t1 - t0} ${performance.now() - t0}`);",
    "",
  ].join("\n");
}

export interface GoalCheck {
  goal: string;
  ratio: number;
  limit: number;
  met: boolean;
}

/**
 * Issue 15's goals for `ours` against `theirs`: size and install time within 1.5x, no install
 * script, cold import no slower (judged on the imports, and on the imports plus what the first
 * request loads).
 */
export function checkGoals(ours: Footprint, theirs: Footprint): GoalCheck[] {
  const check = (goal: string, a: number, b: number, limit: number): GoalCheck => {
    const ratio = a / b;
    return { goal, ratio, limit, met: ratio <= limit };
  };
  return [
    check("size on disk", ours.bytes, theirs.bytes, 1.5),
    check("npm install, empty cache", median(ours.coldInstallSeconds), median(theirs.coldInstallSeconds), 1.5),
    check("npm install, warm cache", median(ours.warmInstallSeconds), median(theirs.warmInstallSeconds), 1.5),
    check("cold import", median(ours.importMs), median(theirs.importMs), 1.0),
    check("cold import + first request", median(ours.firstRequestMs), median(theirs.firstRequestMs), 1.0),
    { goal: "install scripts", ratio: ours.installScripts.length, limit: 0, met: ours.installScripts.length === 0 },
  ];
}

/** The comparison as a Markdown table: one row per measure, the ratio ours/theirs and the goal. */
export function footprintTable(results: Footprint[]): string {
  const [ours, theirs] = results;
  if (!ours || !theirs) throw new Error("footprintTable needs two contenders, ours first");
  const goals = new Map(checkGoals(ours, theirs).map((g) => [g.goal, g]));
  const verdict = (goal: string): string => {
    const g = goals.get(goal)!;
    const mark = g.met ? "goal met" : "MISS";
    return goal === "install scripts" ? `none: ${mark}` : `≤ ${g.limit.toFixed(1)}x: ${mark}`;
  };
  const mb = (b: number): string => `${(b / 1_000_000).toFixed(1)} MB`;
  const seconds = (v: number[]): string =>
    `${median(v).toFixed(1)} s (${Math.min(...v).toFixed(1)}-${Math.max(...v).toFixed(1)})`;
  const ms = (v: number[]): string => `${median(v).toFixed(0)} ms (${Math.min(...v).toFixed(0)}-${Math.max(...v).toFixed(0)})`;
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  const scripts = (r: Footprint): string => (r.installScripts.length ? `yes: ${r.installScripts.join(", ")}` : "none");
  const runs = ours.coldInstallSeconds.length;
  const rows = [
    ["packages", String(ours.packages), String(theirs.packages), ratio(ours.packages, theirs.packages), ""],
    ["size on disk", mb(ours.bytes), mb(theirs.bytes), ratio(ours.bytes, theirs.bytes), verdict("size on disk")],
    ["files on disk", String(ours.files), String(theirs.files), ratio(ours.files, theirs.files), ""],
    [
      `npm install, empty cache (median of ${runs})`,
      seconds(ours.coldInstallSeconds),
      seconds(theirs.coldInstallSeconds),
      ratio(median(ours.coldInstallSeconds), median(theirs.coldInstallSeconds)),
      verdict("npm install, empty cache"),
    ],
    [
      `npm install, warm cache (median of ${runs})`,
      seconds(ours.warmInstallSeconds),
      seconds(theirs.warmInstallSeconds),
      ratio(median(ours.warmInstallSeconds), median(theirs.warmInstallSeconds)),
      verdict("npm install, warm cache"),
    ],
    ["install scripts (native build)", scripts(ours), scripts(theirs), "", verdict("install scripts")],
    [
      `cold import (median of ${ours.importMs.length})`,
      ms(ours.importMs),
      ms(theirs.importMs),
      ratio(median(ours.importMs), median(theirs.importMs)),
      verdict("cold import"),
    ],
    [
      `+ what the first request imports (median of ${ours.firstRequestMs.length})`,
      ms(ours.firstRequestMs),
      ms(theirs.firstRequestMs),
      ratio(median(ours.firstRequestMs), median(theirs.firstRequestMs)),
      verdict("cold import + first request"),
    ],
  ];
  const head = ["", ours.name, theirs.name, "ratio", "goal"];
  const lines = [head, head.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`);
  const versions = results.map(
    (r) =>
      `${r.name}: ${Object.entries(r.versions)
        .map(([n, v]) => `${n}@${v}`)
        .join(", ")}`,
  );
  return [...lines, "", ...versions].join("\n");
}
