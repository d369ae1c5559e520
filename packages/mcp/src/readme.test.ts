// The README's example runs as written: its server block is saved as math-server.mjs and its
// client block runs beside it (node + tsx, "@kaizen/mcp" pointed at this package's source),
// starting that server over stdio exactly as the README says. The client block is type-checked
// under the repo's strict settings too, and so does the agent block, against the fake LLM server.
// ```typescript blocks are shown, not run.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { startFakeLLMServer } from "@kaizen/testing";
import { afterAll, describe, expect, it } from "vitest";
import { readmeBlock } from "../../../tooling/readme-blocks.js";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
// Under this package's node_modules, so the server block finds the SDK and zod as a user's would.
const workDir = join(packageDir, "node_modules", ".cache", `kaizen-mcp-readme-${process.pid}`);

const readme = readFileSync(join(packageDir, "README.md"), "utf8");
mkdirSync(workDir, { recursive: true });
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const indexPath = relative(workDir, join(packageDir, "src", "index.js")).replaceAll("\\", "/");
writeFileSync(join(workDir, "math-server.mjs"), readmeBlock(readme, "server"));
const example = join(workDir, "example.mts");
const exampleCode = readmeBlock(readme, "example");
writeFileSync(example, `${exampleCode.replaceAll('"@kaizen/mcp"', JSON.stringify(indexPath))}\nexport {};\n`);
const agentExample = join(workDir, "agent.mts");
const agentCode = readmeBlock(readme, "agent");
writeFileSync(agentExample, `${agentCode.replaceAll('"@kaizen/mcp"', JSON.stringify(indexPath))}\nexport {};\n`);

describe("README example", () => {
  it("starts the README's server over stdio and prints what its comments say", async () => {
    expect(exampleCode).toContain('connectMcp({ command: "node", args: ["math-server.mjs"] })');
    const { stdout } = await run(process.execPath, ["--import", tsxLoader, example], { cwd: workDir, timeout: 60_000 });
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe("math_add");
    expect(JSON.parse(lines[1] ?? "")).toEqual({ a: { type: "number" }, b: { type: "number" } });
    expect(stdout).toContain("success: false");
    expect(stdout).toContain("input.a must be number");
    expect(lines.at(-1)).toBe("{ sum: 5 }");
  }, 90_000);

  it("the agent block: the model calls math_add through the agent loop, approved, and gets { sum: 5 }", async () => {
    // The model is the fake LLM server, reached the way the block says: OPENAI_API_KEY (and
    // OPENAI_BASE_URL, which the openai SDK reads too) from the environment.
    const fake = await startFakeLLMServer();
    try {
      fake.toolCalls([{ name: "math_add", arguments: { a: 2, b: 3 }, id: "call_readme" }]);
      const { stdout } = await run(process.execPath, ["--import", tsxLoader, agentExample], {
        cwd: workDir,
        timeout: 60_000,
        env: { ...process.env, OPENAI_API_KEY: "sk-fake-mcp-readme-0001", OPENAI_BASE_URL: fake.openaiBaseUrl },
      });
      const lines = stdout.trim().split("\n");
      expect(lines.at(-1)).toBe("{ sum: 5 }");
      expect(lines[0]!.length).toBeGreaterThan(0);
      const chats = fake.requests.filter((r) => r.path.endsWith("/chat/completions"));
      expect(chats).toHaveLength(2);
      expect(JSON.stringify(chats[1]!.body)).toContain('{\\"sum\\":5}');
    } finally {
      await fake.close();
    }
  }, 90_000);

  it("type-checks under the repo's strict settings", async () => {
    const tsconfig = join(workDir, "tsconfig.json");
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(packageDir, "tsconfig.json"),
        compilerOptions: { noEmit: true, rootDir: packageDir },
        files: [example, agentExample],
        include: [],
      }),
    );
    const tsc = require.resolve("typescript/bin/tsc");
    await run(process.execPath, [tsc, "-p", tsconfig], { cwd: packageDir }).catch((err: { stdout?: string }) => {
      throw new Error(`The README example does not type-check:\n${err.stdout ?? String(err)}`);
    });
  }, 60_000);
});
