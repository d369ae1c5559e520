// Kaizen's packages as the bench publishes them to its local registry: `pnpm pack` (what
// `pnpm publish` would upload: workspace ranges resolved, `files` applied), unpacked, with a
// prerelease version of its own so a run never collides with a real release or an earlier run.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunOptions, must } from "./install-run.js";

type Manifest = Record<string, unknown> & { name: string; version: string };
const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"] as const;

/** The manifest at `version`, its ranges on the other `scope` packages moved to `^version`. */
export function benchManifest(manifest: Manifest, version: string, scope: string): Manifest {
  const out: Manifest = { ...manifest, version };
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field] as Record<string, string> | undefined;
    if (!deps) continue;
    out[field] = Object.fromEntries(
      Object.entries(deps).map(([name, range]) => [name, name.startsWith(`${scope}/`) ? `^${version}` : range]),
    );
  }
  return out;
}

/** A version no registry has: 0.0.0-bench.<UTC timestamp>. */
export function benchVersion(now: Date): string {
  return `0.0.0-bench.${now.toISOString().replace(/\D/g, "").slice(0, 14)}`;
}

/** Packs each of `dirs` (under packages/) into `destination`; returns the unpacked package folders. */
export async function packForRegistry(
  repoRoot: string,
  dirs: string[],
  destination: string,
  version: string,
  options: RunOptions = {},
): Promise<Map<string, string>> {
  const unpacked = new Map<string, string>();
  for (const dir of dirs) {
    const into = join(destination, dir);
    mkdirSync(into, { recursive: true });
    await must("pnpm", ["pack", "--pack-destination", into], join(repoRoot, "packages", dir), options);
    const tarball = readdirSync(into).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error(`pnpm pack in packages/${dir} wrote no tarball`);
    await must("tar", ["-xzf", tarball], into, options);
    const packageDir = join(into, "package");
    const file = join(packageDir, "package.json");
    const manifest = JSON.parse(readFileSync(file, "utf8")) as Manifest;
    writeFileSync(file, `${JSON.stringify(benchManifest(manifest, version, "@kaizen"), null, 2)}\n`);
    unpacked.set(dir, packageDir);
  }
  return unpacked;
}
