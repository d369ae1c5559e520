// The two faces of the package: the main entry stays small (what an app uses), the toolkit
// subpath exports exactly what the README's "Toolkit" section lists.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readmeBlock } from "../../../tooling/readme-blocks.js";
import * as main from "./index.js";
import * as toolkit from "./toolkit.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  exports: Record<string, unknown>;
};

describe("@kaizen/providers entry points", () => {
  it("the main entry exports at most 30 runtime names, none of them the toolkit's", () => {
    const names = Object.keys(main);
    expect(names.length).toBeLessThanOrEqual(30);
    expect(names.filter((name) => name in toolkit)).toEqual([]);
    for (const name of [
      "OpenAIProvider",
      "AnthropicProvider",
      "createProvider",
      "registerProvider",
      "MockProvider",
      "computeCost",
    ]) {
      expect(names).toContain(name);
    }
  });

  it("the toolkit exports exactly what the README's Toolkit section imports", () => {
    const block = readmeBlock(readme, "toolkit-exports");
    const listed = [
      ...(/import \{([\s\S]*?)\} from "@kaizen\/providers\/toolkit"/.exec(block)?.[1] ?? "").matchAll(/^\s*(\w+),$/gm),
    ].map((m) => m[1]);
    expect(listed.length).toBeGreaterThan(20);
    expect([...listed].sort()).toEqual(Object.keys(toolkit).sort());
  });

  it("package.json maps ./toolkit like the main entry (types, import, default)", () => {
    expect(pkg.exports["./toolkit"]).toEqual({
      types: "./dist/toolkit.d.ts",
      import: "./dist/toolkit.js",
      default: "./dist/toolkit.js",
    });
  });
});
