// Without its driver installed, each backend fails with MissingDriverError naming the install
// command. Real processes: this package's source is copied to a temp dir outside the repo, next to
// a node_modules that holds only @kaizen/contracts, so none of the three drivers can be resolved.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
const dir = mkdtempSync(join(tmpdir(), "kaizen-no-driver-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

cpSync(join(packageDir, "src"), join(dir, "src"), { recursive: true });
writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
mkdirSync(join(dir, "node_modules", "@kaizen"), { recursive: true });
symlinkSync(join(packageDir, "..", "contracts"), join(dir, "node_modules", "@kaizen", "contracts"), "dir");

async function failureOf(code: string): Promise<{ code: string; packageName: string; message: string; buffer: number }> {
  const script = `import * as m from "./src/index.ts";
const buffer = new m.BufferMemory().load("s1").turns.length;
try { await (async () => { ${code} })(); console.log(JSON.stringify({ code: "none" })); }
catch (err) { console.log(JSON.stringify({ code: err.code, packageName: err.packageName, message: err.message, buffer, isMemoryError: err instanceof m.MemoryError })); }`;
  writeFileSync(join(dir, "probe.mts"), script);
  // pnpm puts its hoisted store on NODE_PATH, where CommonJS require would find better-sqlite3.
  const env = { ...process.env, NODE_PATH: "" };
  const { stdout } = await run(process.execPath, ["--import", tsxLoader, "probe.mts"], { cwd: dir, env });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
}

describe("a backend whose driver is not installed", () => {
  it("SqliteMemory throws MissingDriverError from its constructor, BufferMemory still works", async () => {
    const out = await failureOf(`new m.SqliteMemory({ path: ":memory:" });`);
    expect(out).toMatchObject({ code: "missing_driver", packageName: "better-sqlite3", buffer: 0, isMemoryError: true });
    expect(out.message).toContain("npm install better-sqlite3");
    expect(out.message).toContain("SqliteMemory");
  });

  it("RedisMemory throws MissingDriverError on first use", async () => {
    const out = await failureOf(`const r = new m.RedisMemory(); await r.loadAsync("s1");`);
    expect(out).toMatchObject({ code: "missing_driver", packageName: "ioredis" });
    expect(out.message).toContain("npm install ioredis");
  });

  it("PostgresMemory throws MissingDriverError on first use", async () => {
    const out = await failureOf(`const p = new m.PostgresMemory(); await p.loadAsync("s1");`);
    expect(out).toMatchObject({ code: "missing_driver", packageName: "pg" });
    expect(out.message).toContain("npm install pg");
  });
});
