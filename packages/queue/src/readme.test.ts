// The README's example runs as written, in its own process (node + tsx, @kaizen/* mapped to the
// packages' source), against the real Redis, under a queue name of its own.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { readmeBlock } from "../../../tooling/readme-blocks.js";
import { REDIS_URL } from "./__fixtures__/isolated-queue.js";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const sourcePaths = fileURLToPath(new URL("../../../apps/tsconfig.source-paths.json", import.meta.url));
// Outside node_modules: tsx maps @kaizen/* only for files outside it.
const workDir = mkdtempSync(join(tmpdir(), "kaizen-queue-readme-"));
const queueName = `readme-${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  rmSync(workDir, { recursive: true, force: true });
  const redis = new Redis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: `kaizen:${queueName}:*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    await redis.quit();
  }
});

describe("README example", () => {
  it("submits, works and prints the two answers in order and the final progress", async () => {
    const readme = readFileSync(join(packageDir, "README.md"), "utf8");
    const code = readmeBlock(readme, "example");
    expect(code).toContain('name: "questions"');
    const file = join(workDir, "example.mts");
    writeFileSync(file, code.replace('name: "questions"', `name: ${JSON.stringify(queueName)}`));
    const { stdout } = await run(process.execPath, ["--import", tsxLoader, file], {
      cwd: packageDir,
      env: { ...process.env, TSX_TSCONFIG_PATH: sourcePaths },
      timeout: 90_000,
    });
    expect(stdout).toContain("2 + 2 = 4");
    expect(stdout).toContain("3 * 7 = 21");
    expect(stdout.indexOf("2 + 2 = 4")).toBeLessThan(stdout.indexOf("3 * 7 = 21"));
    expect(stdout).toMatch(/total: 2,\s+done: 2,\s+failed: 0,\s+inFlight: 0/);
  }, 120_000);
});
