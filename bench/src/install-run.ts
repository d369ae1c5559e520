// Child processes of the install footprint bench: timed, bounded, abortable, and with an
// environment that carries no npm settings from whoever started the bench (pnpm exports
// npm_config_* to its scripts), so both contenders' installs see exactly the flags given.
import { execFile } from "node:child_process";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export function run(cmd: string, args: string[], cwd: string, options: RunOptions = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      {
        cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: error && !stderr ? String(error) : stderr, ms: performance.now() - started });
      },
    );
  });
}

export async function must(cmd: string, args: string[], cwd: string, options: RunOptions = {}): Promise<Run> {
  const r = await run(cmd, args, cwd, options);
  options.signal?.throwIfAborted();
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The environment minus npm's and pnpm's settings, plus `extra`. */
export function cleanNpmEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^(npm|pnpm)_(config|package|lifecycle)_/i.test(key) || /^npm_(execpath|node_execpath|command)$/i.test(key)) continue;
    clean[key] = value;
  }
  return { ...clean, ...extra };
}
