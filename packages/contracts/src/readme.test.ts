import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readmeBlock } from "../../../tooling/readme-blocks.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const example = readFileSync(new URL("./__fixtures__/readme-example.ts", import.meta.url), "utf8");

describe("README", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("shows the example the package runs (import paths aside)", () => {
    expect(readmeBlock(readme, "example")).toBe(example.replaceAll('from "../index.js"', 'from "@kaizen/contracts"').trimEnd());
  });

  it("prints what the README says", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
    await import("./__fixtures__/readme-example.js");
    expect(lines).toEqual(["hi"]);
  });
});
