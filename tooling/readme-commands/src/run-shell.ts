// Runs README commands the way a reader pastes them: bash at the repository root, stopping at the
// first failing command, with no LLM key, database or Redis URL of the developer's in the
// environment (without a key the apps start the fake LLM server, as their READMEs say).
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface ShellResult {
  code: number | null;
  output: string;
}

/** The environment every block runs in. `dataDir` keeps the apps' SQLite files out of the repo. */
export function readerEnv(root: string, dataDir: string): NodeJS.ProcessEnv {
  const dropped = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "DATABASE_URL", "REDIS_URL", "PORT", "INIT_CWD", "MODEL"];
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !dropped.includes(k) && !k.startsWith("npm_") && !k.startsWith("VITEST")),
  );
  // The pinned pnpm the bootstrap brings, so `pnpm ...` works as it does after `npm start`.
  const pinned = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { packageManager: string }).packageManager;
  const pnpmBin = join(root, ".cache", `pnpm-${pinned.split("@")[1]}`, "node_modules", ".bin");
  const path = existsSync(pnpmBin) ? `${pnpmBin}${delimiter}${env["PATH"] ?? ""}` : env["PATH"];
  return { ...env, PATH: path, KAIZEN_DATA_DIR: dataDir, TURBO_TELEMETRY_DISABLED: "1", NO_COLOR: "1", FORCE_COLOR: "0" };
}

export async function runShell(
  script: string,
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; input?: string },
): Promise<ShellResult> {
  const child = spawn("bash", ["-e", "-o", "pipefail", "-c", script], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  child.stdin.end(opts.input ?? "");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), opts.timeoutMs);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

export interface Served {
  output: () => string;
  stop: () => Promise<number | null>;
}

/**
 * Starts a long-running command (a server) in its own process group and resolves once its output
 * matches `ready`, with the match; `stop` sends SIGTERM to the group, as Ctrl-C would, and waits.
 */
export async function serve(
  command: string,
  opts: { cwd: string; env: NodeJS.ProcessEnv; ready: RegExp; timeoutMs: number },
): Promise<{ served: Served; match: RegExpExecArray }> {
  const child = spawn("bash", ["-c", command], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const served: Served = {
    output: () => output,
    stop: async () => {
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, "SIGKILL");
      reject(new Error(`\`${command}\` printed nothing matching ${opts.ready} in ${opts.timeoutMs} ms:\n${output}`));
    }, opts.timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = opts.ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`\`${command}\` exited with ${code} before it was ready:\n${output}`));
    });
  });
  return { served, match };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
