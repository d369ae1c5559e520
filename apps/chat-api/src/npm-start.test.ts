// `npm start` as Docker, PM2, systemd and a terminal stop it: the whole chain (npm -> sh ->
// scripts/bootstrap.mjs -> scripts/start.mjs -> dist/main.js) must drain and go away.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => resolve(true));
  });
  if (free) await new Promise((resolve) => server.close(resolve));
  return free;
}

/** Every descendant of `pid`, from `ps` (the chain re-parents to PID 1 when a link dies early). */
function descendants(pid: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((row) => row.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of rows) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Started {
  npm: ChildProcess;
  port: number;
  output: string[];
  /** npm and every process under it once the server answers. */
  chain: number[];
}

const started: Started[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const run of started.splice(0))
    for (const pid of [run.npm.pid!, ...run.chain]) if (alive(pid)) process.kill(pid, "SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function npmStart(): Promise<Started> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "kaizen-npm-start-"));
  dirs.push(dir);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_") && k !== "INIT_CWD"));
  // detached: its own process group, as a shell gives a job, so the group can be signalled.
  const npm = spawn("npm", ["start"], {
    cwd: repoRoot,
    env: {
      ...env,
      OPENAI_API_KEY: "",
      ANTHROPIC_API_KEY: "",
      REDIS_URL: "",
      DATABASE_URL: "",
      PORT: String(port),
      KAIZEN_DATA_DIR: dir,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output: string[] = [];
  createInterface({ input: npm.stdout! }).on("line", (line) => output.push(line));
  createInterface({ input: npm.stderr! }).on("line", (line) => output.push(line));
  const run: Started = { npm, port, output, chain: [] };
  started.push(run);
  const deadline = Date.now() + 150_000;
  for (;;) {
    run.chain = descendants(npm.pid!);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || npm.exitCode !== null) throw new Error(`npm start did not serve:\n${output.join("\n")}`);
    await sleep(300);
  }
  run.chain = descendants(npm.pid!);
  return run;
}

async function expectAllGone(run: Started): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && [run.npm.pid!, ...run.chain].some(alive)) await sleep(100);
  expect([run.npm.pid!, ...run.chain].filter(alive), run.output.join("\n")).toEqual([]);
  expect(await portIsFree(run.port)).toBe(true);
}

describe("npm start", () => {
  it("stops the whole chain, the chat API draining, on SIGTERM to the npm process alone", { timeout: 200_000 }, async () => {
    const run = await npmStart();
    // npm, sh, bootstrap.mjs, start.mjs and the chat API itself.
    expect(run.chain.length).toBeGreaterThanOrEqual(3);
    process.kill(run.npm.pid!, "SIGTERM");
    await expectAllGone(run);
    const log = run.output.join("\n");
    expect(log).toContain("SIGTERM received: finishing requests in flight");
    expect(log).toContain("shut down cleanly");
    // pnpm's settings live in pnpm-workspace.yaml, so npm has nothing to warn about.
    expect(log).not.toContain("Unknown project config");
  });

  it("drains on Ctrl-C (SIGINT to the whole process group) instead of counting it twice", { timeout: 200_000 }, async () => {
    const run = await npmStart();
    process.kill(-run.npm.pid!, "SIGINT");
    await expectAllGone(run);
    const log = run.output.join("\n");
    expect(log).toContain("SIGINT received: finishing requests in flight");
    expect(log).toContain("shut down cleanly");
    expect(log).not.toContain("again: exiting now");
  });
});
