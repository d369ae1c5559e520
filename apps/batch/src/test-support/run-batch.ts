import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";

const appDir = fileURLToPath(new URL("../../", import.meta.url));
// tsx maps @kaizen/* to the packages' source with this, as vitest does: no build needed.
// Empty values count as unset and are never overridden by a developer's .env file.
const NO_KEYS = { OPENAI_API_KEY: "", ANTHROPIC_API_KEY: "", REDIS_URL: "", DATABASE_URL: "" };
const sourcePaths = fileURLToPath(new URL("../../../tsconfig.source-paths.json", import.meta.url));

export interface BatchRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnMain(args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "MODEL"].includes(k) &&
        k !== "INIT_CWD" &&
        !k.startsWith("npm_"),
    ),
  );
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", ...args], {
    cwd: appDir,
    env: { ...clean, ...NO_KEYS, TSX_TSCONFIG_PATH: sourcePaths, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.end(); // nothing to read, as with stdin ignored
  return child;
}

/** Runs src/main.ts as its own process, the way `pnpm start` runs dist/main.js, without any key unless given. */
export function runBatch(
  args: string[],
  env: Record<string, string> = {},
  /** Sends SIGINT (Ctrl-C) once stderr contains this text. */
  interruptWhen?: string,
): Promise<BatchRun> {
  const child = spawnMain(args, env);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  let interrupted = false;
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (interruptWhen !== undefined && !interrupted && stderr.includes(interruptWhen)) {
      interrupted = true;
      child.kill("SIGINT");
    }
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunningBatch {
  stderr(): string;
  /** SIGTERM, then the exit. */
  stop(): Promise<BatchRun>;
}

/** Starts a long-running command (`worker`) and resolves once its stderr contains `readyText`. */
export async function startBatch(args: string[], env: Record<string, string>, readyText: string): Promise<RunningBatch> {
  const child = spawnMain(args, env);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  const closed = new Promise<BatchRun>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${readyText}" within 60 s: ${stderr}`)), 60_000);
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void closed.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before "${readyText}": ${stderr}`));
    });
  });
  return {
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return closed;
    },
  };
}
