// Spawns the fixtures as real processes under node + tsx, with @kaizen/* mapped to the packages'
// source (as vitest does), so a child never runs a stale dist.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { KaizenQueueOptions, WorkOptions } from "../index.js";

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const sourcePaths = fileURLToPath(new URL("../../../../apps/tsconfig.source-paths.json", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

export interface ChildHandle {
  child: ChildProcess;
  lines: string[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the child prints `line`; rejects if it exits first. */
  waitForLine(line: string, timeoutMs?: number): Promise<void>;
}

function start(script: string, args: string[]): ChildHandle {
  const child = spawn(process.execPath, ["--import", tsxLoader, fixture(script), ...args], {
    env: { ...process.env, TSX_TSCONFIG_PATH: sourcePaths, OPENAI_API_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  reader.on("line", (line) => lines.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    waitForLine(line, timeoutMs = 90_000) {
      if (lines.includes(line)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${line}" within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        const onLine = (l: string) => {
          if (l !== line) return;
          clearTimeout(timer);
          reader.off("line", onLine);
          resolve();
        };
        reader.on("line", onLine);
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`exited (${code ?? signal}) before "${line}"; stderr: ${err}`));
        });
      });
    },
  };
}

export interface WorkerProcessOptions {
  queue: KaizenQueueOptions;
  work?: WorkOptions;
  baseUrl: string;
  latencyMs?: number;
  /** The agent's answer budget, which the tokens-per-minute limit counts. */
  maxTokens?: number;
}

/** Starts a worker process and waits until it takes items. */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<ChildHandle> {
  const handle = start("queue-worker.ts", [JSON.stringify({ work: {}, latencyMs: 0, ...options })]);
  await handle.waitForLine("ready");
  return handle;
}

/** Stops a worker process politely (SIGTERM lets it finish its items); SIGKILL is the tests' business. */
export async function stopWorkerProcess(handle: ChildHandle): Promise<void> {
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) return;
  handle.child.kill("SIGTERM");
  await handle.exited;
}

/** Reads a batch's progress from a process of its own. */
export async function readProgressElsewhere(queue: KaizenQueueOptions, batchId: string): Promise<unknown> {
  const handle = start("progress-reader.ts", [JSON.stringify(queue), batchId]);
  const { code } = await handle.exited;
  if (code !== 0) throw new Error(`progress reader exited ${code}: ${handle.stderr()}`);
  return JSON.parse(handle.lines[0] ?? "null") as unknown;
}
