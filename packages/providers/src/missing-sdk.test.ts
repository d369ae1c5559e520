// Without @anthropic-ai/sdk installed, AnthropicProvider fails when it is made, with
// MissingSdkError naming the install command; OpenAIProvider is unaffected. Real processes: this
// package's source is copied to a temp dir outside the repo, next to a node_modules that holds
// only @kaizen/contracts, openai and eventsource-parser, so the Anthropic SDK cannot be resolved.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
// openai's exports map has no ./package.json: its root is the folder above its main entry.
const openaiEntry = require.resolve("openai");
const openaiDir = openaiEntry.slice(0, openaiEntry.lastIndexOf("/openai/") + "/openai".length);
const dir = mkdtempSync(join(tmpdir(), "kaizen-no-sdk-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

cpSync(join(packageDir, "src"), join(dir, "src"), { recursive: true });
writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
mkdirSync(join(dir, "node_modules", "@kaizen"), { recursive: true });
symlinkSync(join(packageDir, "..", "contracts"), join(dir, "node_modules", "@kaizen", "contracts"), "dir");
symlinkSync(openaiDir, join(dir, "node_modules", "openai"), "dir");
// The package's other dependency, as an install has it.
const sseEntry = require.resolve("eventsource-parser");
const sseDir = sseEntry.slice(0, sseEntry.lastIndexOf("/eventsource-parser/") + "/eventsource-parser".length);
symlinkSync(sseDir, join(dir, "node_modules", "eventsource-parser"), "dir");

async function probe(code: string): Promise<Record<string, unknown>> {
  const script = `import * as m from "./src/index.ts";
try { ${code}; console.log(JSON.stringify({ code: "none" })); }
catch (err) { console.log(JSON.stringify({ code: err.code, name: err.name, packageName: err.packageName, message: err.message, isMissing: err instanceof m.MissingSdkError })); }`;
  writeFileSync(join(dir, "probe.mts"), script);
  // pnpm puts its hoisted store on NODE_PATH, where CommonJS resolution could find the SDK.
  const { stdout } = await run(process.execPath, ["--import", tsxLoader, "probe.mts"], {
    cwd: dir,
    env: { ...process.env, NODE_PATH: "" },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
}

it("new AnthropicProvider() throws MissingSdkError naming the install command", async () => {
  const out = await probe(`new m.AnthropicProvider({ apiKey: "sk-ant-test" })`);
  expect(out).toMatchObject({ code: "missing_sdk", name: "MissingSdkError", packageName: "@anthropic-ai/sdk", isMissing: true });
  expect(out["message"]).toContain("AnthropicProvider needs the");
  expect(out["message"]).toContain("npm install @anthropic-ai/sdk@^1.12.0");
});

it("OpenAIProvider still works without it", async () => {
  const out = await probe(`new m.OpenAIProvider({ apiKey: "sk-test", defaultModel: "gpt-4o-mini" })`);
  expect(out).toEqual({ code: "none" });
});
