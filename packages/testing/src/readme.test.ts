import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const example = readFileSync(new URL("./__fixtures__/readme-example.ts", import.meta.url), "utf8");

/** The fenced block that follows `<!-- name -->` in the README. */
function block(name: string): string {
  const match = new RegExp(`<!-- ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  if (!match?.[1]) throw new Error(`README has no block marked <!-- ${name} -->`);
  return match[1];
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
    for (const fault of ["rate_limit", "server_error", "auth", "malformed_json", "schema_violation", "stall", "disconnect", "truncated_stream"]) {
      expect(readme).toContain(`\`${fault}\``);
    }
  });
});
