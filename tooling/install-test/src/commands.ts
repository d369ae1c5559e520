// Runs the tools a user runs (pnpm pack, npm, npx, node, tsc) as real child processes.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CommandOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Runs a command to completion; never rejects, so a test can show the output of a failure. */
export function runCommand(cmd: string, args: string[], options: CommandOptions): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 180_000,
        maxBuffer: 64 * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: error && !stderr ? String(error) : stderr, ms: Date.now() - started });
      },
    );
  });
}

/** `pnpm pack` of every package under `packagesDir` into `destination`; tarball file per package name. */
export async function packAll(packagesDir: string, destination: string): Promise<Map<string, string>> {
  for (const dir of readdirSync(packagesDir)) {
    const result = await runCommand("pnpm", ["pack", "--pack-destination", destination], { cwd: join(packagesDir, dir) });
    if (result.code !== 0) throw new Error(`pnpm pack in packages/${dir} failed:\n${result.stdout}\n${result.stderr}`);
  }
  const tarballs = new Map<string, string>();
  for (const file of readdirSync(destination)) {
    // pnpm names a tarball of @kaizen/core-0.0.0 "kaizen-core-0.0.0.tgz".
    const m = /^kaizen-(.+)-\d+\.\d+\.\d+(?:-[^.]+)?\.tgz$/.exec(file);
    if (m) tarballs.set(`@kaizen/${m[1]}`, join(destination, file));
  }
  return tarballs;
}
