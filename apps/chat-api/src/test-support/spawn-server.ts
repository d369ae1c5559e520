import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const appDir = fileURLToPath(new URL("../../", import.meta.url));
// tsx maps @kaizen/* to the packages' source with this, as vitest does: no build needed.
// Empty values count as unset and are never overridden by a developer's .env file.
const NO_KEYS = { OPENAI_API_KEY: "", ANTHROPIC_API_KEY: "", REDIS_URL: "", DATABASE_URL: "" };
const sourcePaths = fileURLToPath(new URL("../../../tsconfig.source-paths.json", import.meta.url));

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  /** Every stdout and stderr line so far. */
  output: string[];
  exited: Promise<number | null>;
}

/**
 * Runs src/main.ts in its own process (through tsx), as `pnpm start` runs dist/main.js, with no key in
 * its environment unless given, and resolves once it logs where it listens.
 */
export async function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "REDIS_URL", "DATABASE_URL", "PORT", "HOST"].includes(k) &&
        k !== "INIT_CWD" &&
        !k.startsWith("npm_"),
    ),
  );
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: appDir,
    env: { ...clean, ...NO_KEYS, TSX_TSCONFIG_PATH: sourcePaths, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = once(child, "exit").then(([code]) => code as number | null);
  createInterface({ input: child.stderr! }).on("line", (line) => output.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in time:\n${output.join("\n")}`)), 30_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output.push(line);
      // JSON or pretty lines: the start-up message names the URL either way.
      const match = /listening on (http:\/\/[^\s"]+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${output.join("\n")}`));
    });
  });
  return { child, url, output, exited };
}
