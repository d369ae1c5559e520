// The Anthropic, streaming and toolkit examples of the README, run as written against the fake LLM server:
// the README blocks must equal the fixture files (import path aside) and print what it says.
import { readFileSync } from "node:fs";
import { format } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readmeBlock } from "../../../tooling/readme-blocks.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

function block(name: string): string {
  return readmeBlock(readme, name);
}

function fixture(name: string): string {
  const text = readFileSync(new URL(`./__fixtures__/${name}.ts`, import.meta.url), "utf8");
  return text
    .replaceAll('from "../index.js"', 'from "@kaizen/providers"')
    .replaceAll('from "../toolkit.js"', 'from "@kaizen/providers/toolkit"')
    .trimEnd();
}

async function printed(run: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    lines.push(format(...args));
  });
  await run();
  return lines.join("\n");
}

describe("README: Anthropic, streaming and toolkit sections", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  for (const name of ["readme-anthropic", "readme-streaming", "readme-toolkit"]) {
    it(`${name}: the README shows the example that runs`, () => {
      expect(block(name)).toBe(fixture(name));
    });
  }

  it("readme-anthropic prints what the README says", async () => {
    expect(await printed(() => import("./__fixtures__/readme-anthropic.js"))).toBe(block("readme-anthropic-output"));
  });

  it("readme-streaming prints what the README says", async () => {
    expect(await printed(() => import("./__fixtures__/readme-streaming.js"))).toBe(block("readme-streaming-output"));
  });

  it("readme-toolkit: the custom provider answers through chat(), chatAsync() and a stream as the README says", async () => {
    expect(await printed(() => import("./__fixtures__/readme-toolkit.js"))).toBe(block("readme-toolkit-output"));
  });
});
