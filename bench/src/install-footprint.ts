// What a new user pays before the first call: `npm install` of Kaizen (core + signatures, packed
// from this repo) with openai and zod, next to `ai` + `@ai-sdk/openai` with zod, in one run on
// one machine. Per contender: packages installed, bytes on disk, install seconds with an empty
// npm cache (everything from the registry but Kaizen's own tarballs) and with a warm one, whether
// any install script ran (a native build), and the cold `import()` time of what the user imports.
import { execFile } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Contender {
  name: string;
  /** package.json dependencies; `kaizen:<dir>` names a package of this repo, packed first. */
  dependencies: Record<string, string>;
  /** What the user's first line imports; timed in a fresh process. */
  imports: string[];
}

export const CONTENDERS: Contender[] = [
  {
    name: "Kaizen (core + signatures) + openai + zod",
    dependencies: { "@kaizen/core": "kaizen:core", "@kaizen/signatures": "kaizen:signatures", openai: "^6.49.0", zod: "^4.1.5" },
    imports: ["@kaizen/core", "@kaizen/signatures"],
  },
  {
    name: "ai + @ai-sdk/openai + zod",
    dependencies: { ai: "latest", "@ai-sdk/openai": "latest", zod: "^4.1.5" },
    imports: ["ai", "@ai-sdk/openai"],
  },
];

// Kaizen packages a core install pulls in: packed together so npm resolves them locally.
const KAIZEN_PACKAGES = ["contracts", "signatures", "providers", "memory", "core"];

export interface Footprint {
  name: string;
  packages: number;
  bytes: number;
  coldInstallSeconds: number;
  warmInstallSeconds: number;
  installScripts: string[];
  importMs: number[];
  versions: Record<string, string>;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 600_000): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr: error && !stderr ? String(error) : stderr, ms: performance.now() - started });
    });
  });
}

async function must(cmd: string, args: string[], cwd: string): Promise<Run> {
  const r = await run(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
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

/** Installed packages and the ones with an install script, from npm's node_modules/.package-lock.json. */
export function readInstalled(project: string): { packages: number; installScripts: string[]; versions: Record<string, string> } {
  const lock = JSON.parse(readFileSync(join(project, "node_modules", ".package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
  };
  const entries = Object.entries(lock.packages).filter(([path]) => path.startsWith("node_modules/"));
  const versions: Record<string, string> = {};
  for (const [path, p] of entries)
    versions[path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length)] ??= p.version ?? "?";
  return {
    packages: entries.length,
    installScripts: entries.filter(([, p]) => p.hasInstallScript).map(([path]) => path.slice("node_modules/".length)),
    versions,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function packKaizen(repoRoot: string, destination: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const dir of KAIZEN_PACKAGES) {
    const before = new Set(readdirSync(destination));
    await must("pnpm", ["pack", "--pack-destination", destination], join(repoRoot, "packages", dir));
    const made = readdirSync(destination).find((f) => !before.has(f));
    if (!made) throw new Error(`pnpm pack in packages/${dir} wrote no tarball`);
    files.set(dir, join(destination, made));
  }
  return files;
}

export interface FootprintOptions {
  repoRoot: string;
  /** Fresh processes timing the imports; the median is reported. */
  importRuns: number;
  contenders?: Contender[];
  onProgress?: (line: string) => void;
}

export async function measureFootprints(options: FootprintOptions): Promise<Footprint[]> {
  const tmp = mkdtempSync(join(tmpdir(), "kaizen-footprint-"));
  const log = options.onProgress ?? (() => undefined);
  try {
    const tarballDir = join(tmp, "tarballs");
    mkdirSync(tarballDir);
    const tarballs = await packKaizen(options.repoRoot, tarballDir);
    const results: Footprint[] = [];
    const projects: string[] = [];
    for (const [i, contender] of (options.contenders ?? CONTENDERS).entries()) {
      // Each contender gets its own empty npm cache: the first install is a new user's, the
      // second (a new project, same cache) a returning one's.
      const cache = join(tmp, `cache-${i}`);
      const dependencies: Record<string, string> = {};
      for (const [name, spec] of Object.entries(contender.dependencies)) {
        const local = spec.startsWith("kaizen:") ? tarballs.get(spec.slice("kaizen:".length)) : undefined;
        dependencies[name] = local ? `file:${local}` : spec;
      }
      // Kaizen's own dependencies (providers, memory, contracts) come from the tarballs too, never
      // from the registry: listed directly, they are the copies npm resolves core's ranges to.
      if (Object.values(contender.dependencies).some((s) => s.startsWith("kaizen:"))) {
        for (const [dir, file] of tarballs) dependencies[`@kaizen/${dir}`] ??= `file:${file}`;
      }
      const install = async (dir: string, extra: string[]): Promise<Run> => {
        mkdirSync(dir);
        writeFileSync(
          join(dir, "package.json"),
          JSON.stringify({ name: "footprint", version: "1.0.0", private: true, dependencies }),
        );
        return must("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--cache", cache, ...extra], dir);
      };
      log(`${contender.name}: npm install with an empty cache`);
      const cold = await install(join(tmp, `cold-${i}`), []);
      log(`${contender.name}: npm install again, cache warm`);
      const project = join(tmp, `warm-${i}`);
      const warm = await install(project, ["--prefer-offline"]);
      const installed = readInstalled(project);
      const script = `const t0 = performance.now();\n${contender.imports.map((m) => `await import(${JSON.stringify(m)});`).join("\n")}\nconsole.log(performance.now() - t0);`;
      writeFileSync(join(project, "import-time.mjs"), script);
      projects.push(project);
      results.push({
        name: contender.name,
        packages: installed.packages,
        bytes: treeBytes(join(project, "node_modules")),
        coldInstallSeconds: cold.ms / 1000,
        warmInstallSeconds: warm.ms / 1000,
        installScripts: installed.installScripts,
        importMs: [],
        versions: Object.fromEntries(Object.keys(contender.dependencies).map((name) => [name, installed.versions[name] ?? "?"])),
      });
    }
    // Import timings alternate between the contenders, so a busy moment on a shared machine
    // slows both rather than one.
    log(`cold import, ${options.importRuns} fresh processes each, alternating`);
    for (let r = 0; r < options.importRuns; r++) {
      for (const [i, project] of projects.entries()) {
        const timed = await must(process.execPath, ["import-time.mjs"], project);
        results[i]!.importMs.push(Number(timed.stdout.trim()));
      }
    }
    return results;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The comparison as a Markdown table, with each column's ratio to the first contender. */
export function footprintTable(results: Footprint[]): string {
  const mb = (b: number): string => `${(b / 1_000_000).toFixed(1)} MB`;
  const rows = results.map((r) => [
    r.name,
    String(r.packages),
    mb(r.bytes),
    `${r.coldInstallSeconds.toFixed(1)} s`,
    `${r.warmInstallSeconds.toFixed(1)} s`,
    r.installScripts.length ? `yes: ${r.installScripts.join(", ")}` : "no",
    `${median(r.importMs).toFixed(0)} ms`,
  ]);
  const head = [
    "install",
    "packages",
    "size on disk",
    "npm install (empty cache)",
    "npm install (warm cache)",
    "install scripts",
    "cold import (median)",
  ];
  const lines = [head, head.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`);
  const [base, ...others] = results;
  const ratios = base
    ? others.map(
        (o) =>
          `${base.name} vs ${o.name}: size ${(base.bytes / o.bytes).toFixed(2)}x, packages ${(base.packages / o.packages).toFixed(2)}x, ` +
          `install ${(base.coldInstallSeconds / o.coldInstallSeconds).toFixed(2)}x (empty cache) / ${(base.warmInstallSeconds / o.warmInstallSeconds).toFixed(2)}x (warm), ` +
          `cold import ${(median(base.importMs) / median(o.importMs)).toFixed(2)}x`,
      )
    : [];
  const versions = results.map(
    (r) =>
      `${r.name}: ${Object.entries(r.versions)
        .map(([n, v]) => `${n}@${v}`)
        .join(", ")}`,
  );
  return [...lines, "", ...ratios, "", ...versions].join("\n");
}
