// The README's examples run as written: every ```ts block is type-checked and executed (under
// plain node with the tsx loader, against the real SQLite, Redis and Postgres), with
// "@kaizen/memory" pointed at this package's source. ```typescript blocks are shown, not run.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
const workDir = join(packageDir, "node_modules", ".cache", `kaizen-readme-${process.pid}`);

const readme = readFileSync(join(packageDir, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");

mkdirSync(workDir, { recursive: true });
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
const indexPath = relative(workDir, join(packageDir, "src", "index.js")).replaceAll("\\", "/");
const files = blocks.map((code, i) => {
  const file = join(workDir, `example-${i + 1}.mts`);
  writeFileSync(file, `${code.replaceAll('"@kaizen/memory"', JSON.stringify(indexPath))}\nexport {};\n`);
  return file;
});

describe("README examples", () => {
  it("has runnable examples for every backend", () => {
    for (const name of ["SqliteMemory", "BufferMemory", "RedisMemory", "PostgresMemory", "SummaryMemory"]) {
      expect(blocks.some((b) => b.includes(`new ${name}(`))).toBe(true);
    }
  });

  it("type-checks under the repo's strict settings", async () => {
    const tsconfig = join(workDir, "tsconfig.json");
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(packageDir, "tsconfig.json"),
        compilerOptions: { noEmit: true, rootDir: packageDir },
        files,
        include: [],
      }),
    );
    const tsc = require.resolve("typescript/bin/tsc");
    await run(process.execPath, [tsc, "-p", tsconfig], { cwd: packageDir }).catch((err: { stdout?: string }) => {
      throw new Error(`README examples do not type-check:\n${err.stdout ?? String(err)}`);
    });
  }, 60_000);

  it.each(files.map((file, i) => [i + 1, file] as const))(
    "example %i runs",
    async (_n, file) => {
      const { stdout } = await run(process.execPath, ["--import", tsxLoader, file], { cwd: workDir, timeout: 30_000 });
      expect(stdout.length).toBeGreaterThan(0);
      if (readFileSync(file, "utf8").includes("SummaryMemory")) {
        expect(stdout).toContain("asked a; asked b");
        expect(stdout).toContain("[ 'c', 'd' ]");
      }
    },
    60_000,
  );
});
