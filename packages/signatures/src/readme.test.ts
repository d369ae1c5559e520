import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderSystemPrompt } from "./index.js";
import { QASignature } from "./__fixtures__/qa.js";
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

  it("shows the example that the package runs (imports aside)", () => {
    expect(block("example")).toBe(example.replace('from "../index.js"', 'from "@kaizen/signatures"').trimEnd());
  });

  it("shows exactly what the example prints", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
    await import("./__fixtures__/readme-example.js");
    expect(lines).toEqual([block("system-prompt"), block("user-message"), "4 0.98", block("reask")]);
  });

  it("shows the image example and exactly what it prints", async () => {
    const source = readFileSync(new URL("./__fixtures__/readme-image.ts", import.meta.url), "utf8");
    expect(block("image-example")).toBe(source.replace('from "../index.js"', 'from "@kaizen/signatures"').trimEnd());
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
    await import("./__fixtures__/readme-image.js");
    expect(lines).toEqual([block("image-content"), block("image-error")]);
  });

  it("shows the exact system prompt of the seed's QASignature", () => {
    expect(block("system-prompt")).toBe(renderSystemPrompt(new QASignature()));
  });
});
