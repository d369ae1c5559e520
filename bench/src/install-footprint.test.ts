// The footprint bench's bookkeeping on a node_modules made by hand (the measured run itself needs
// the registry and minutes, so `pnpm bench:install` runs it, not `npm test`).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { footprintTable, median, readInstalled, treeBytes, type Footprint } from "./install-footprint.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("counts installed packages, install scripts and bytes from npm's hidden lockfile", () => {
  dir = mkdtempSync(join(tmpdir(), "footprint-test-"));
  mkdirSync(join(dir, "node_modules", "a"), { recursive: true });
  mkdirSync(join(dir, "node_modules", "b", "node_modules", "c"), { recursive: true });
  writeFileSync(join(dir, "node_modules", "a", "index.js"), "x".repeat(1000));
  writeFileSync(join(dir, "node_modules", "b", "node_modules", "c", "index.js"), "y".repeat(234));
  writeFileSync(
    join(dir, "node_modules", ".package-lock.json"),
    JSON.stringify({
      packages: {
        "": { name: "root" },
        "node_modules/a": { version: "1.0.0" },
        "node_modules/b": { version: "2.0.0", hasInstallScript: true },
        "node_modules/b/node_modules/c": { version: "3.0.0" },
      },
    }),
  );
  const installed = readInstalled(dir);
  expect(installed.packages).toBe(3);
  expect(installed.installScripts).toEqual(["b"]);
  expect(installed.versions).toEqual({ a: "1.0.0", b: "2.0.0", c: "3.0.0" });
  const lockBytes = JSON.stringify({}).length; // counted too, like any file on disk
  expect(treeBytes(join(dir, "node_modules"))).toBeGreaterThan(1234 + lockBytes);
});

it("reports the median and each column's ratio to the first contender", () => {
  expect(median([5, 1, 3])).toBe(3);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  const row = (name: string, scale: number): Footprint => ({
    name,
    packages: 10 * scale,
    bytes: 20_000_000 * scale,
    coldInstallSeconds: [4 * scale, 5 * scale, 3 * scale],
    warmInstallSeconds: [2 * scale],
    installScripts: [],
    importMs: [100 * scale, 90 * scale, 110 * scale],
    versions: { x: "1.0.0" },
  });
  const table = footprintTable([row("ours", 1), row("theirs", 2)]);
  expect(table).toContain("| ours | 10 | 20.0 MB | 4.0 s | 2.0 s | no | 100 ms |");
  expect(table).toContain(
    "ours vs theirs: size 0.50x, packages 0.50x, install 0.50x (empty cache) / 0.50x (warm), cold import 0.50x",
  );
});
