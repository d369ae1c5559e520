import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readmeBlock } from "../../../tooling/readme-blocks.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const example = readFileSync(new URL("./__fixtures__/readme-example.ts", import.meta.url), "utf8");

function block(name: string): string {
  return readmeBlock(readme, name);
}

describe("README", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("shows the example the package runs (import path aside)", () => {
    expect(block("example")).toBe(example.replace('from "../index.js"', 'from "@kaizen/testing"').trimEnd());
  });

  it("prints what the README says it prints", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
    await import("./__fixtures__/readme-example.js");
    expect(lines.join("\n")).toBe(block("example-output"));
  });

  it("lists every fault type", () => {
    for (const fault of [
      "rate_limit",
      "server_error",
      "auth",
      "malformed_json",
      "schema_violation",
      "stall",
      "disconnect",
      "truncated_stream",
    ]) {
      expect(readme).toContain(`\`${fault}\``);
    }
  });
});
