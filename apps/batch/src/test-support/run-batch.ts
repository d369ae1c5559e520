import { spawn } from "node:child_process";
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

/** Runs src/main.ts as its own process, the way `pnpm start` runs dist/main.js, without any key unless given. */
export function runBatch(
  args: string[],
  env: Record<string, string> = {},
  /** Sends SIGINT (Ctrl-C) once stderr contains this text. */
  interruptWhen?: string,
): Promise<BatchRun> {
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
    stdio: ["ignore", "pipe", "pipe"],
  });
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
