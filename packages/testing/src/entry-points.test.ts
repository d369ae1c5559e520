// The main entry and ./fake-llm must run where vitest is not installed (apps, demos, the
// kaizen-fake-llm command); only ./conformance may reach it. Walks the static import graph of
// the source, the same graph the built dist has.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const srcDir = new URL("./", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  exports: Record<string, { types: string; import: string; default: string } | string>;
  bin: Record<string, string>;
};

/** Every bare module specifier reachable from `entry` through static and dynamic imports. */
function bareImportsOf(entry: string): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(fileURLToPath(new URL(file, srcDir)), "utf8");
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)(?!\s+type\b)[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith("./")) queue.push(spec.replace(/\.js$/, ".ts"));
      else bare.add(spec);
    }
  }
  return bare;
}

describe("entry points", () => {
  it("the main entry and ./fake-llm never import vitest", () => {
    for (const entry of ["index.ts", "fake-llm.ts", "fake-llm-cli.ts"]) {
      const bare = bareImportsOf(entry);
      expect(bare.has("node:http"), entry).toBe(true);
      expect(
        [...bare].filter((s) => s === "vitest" || s.startsWith("vitest/")),
        entry,
      ).toEqual([]);
    }
  });

  it("./conformance does, and is exported for import and require", () => {
    expect(bareImportsOf("conformance.ts").has("vitest")).toBe(true);
    expect(pkg.exports["./conformance"]).toEqual({
      types: "./dist/conformance.d.ts",
      import: "./dist/conformance.js",
      default: "./dist/conformance.js",
    });
  });

  it("declares the kaizen-fake-llm bin at the built CLI, which starts with a shebang", () => {
    expect(pkg.bin).toEqual({ "kaizen-fake-llm": "./dist/fake-llm-cli.js" });
    expect(readFileSync(new URL("./fake-llm-cli.ts", srcDir), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});
