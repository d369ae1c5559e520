// Spawns append-worker.ts under plain node with the tsx loader, so children run the real TypeScript backends.
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const workerPath = fileURLToPath(new URL("./append-worker.ts", import.meta.url));

export interface Worker {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout line starting with `prefix` (without the prefix). */
  waitFor(prefix: string, timeoutMs?: number): Promise<string>;
  /** Every stdout line so far. */
  lines: string[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startWorker(backend: string, options: object, sessionId: string, count: number, mode: "burst" | "loop"): Worker {
  const child = spawn(
    process.execPath,
    ["--import", tsxLoader, workerPath, backend, JSON.stringify(options), sessionId, String(count), mode],
    {
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const lines: string[] = [];
  const waiters: Array<{ prefix: string; resolve: (rest: string) => void }> = [];
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (line.startsWith(waiter.prefix)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line.slice(waiter.prefix.length).trim());
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    waitFor(prefix, timeoutMs = 30_000) {
      const seen = lines.find((l) => l.startsWith(prefix));
      if (seen !== undefined) return Promise.resolve(seen.slice(prefix.length).trim());
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`worker did not print "${prefix}" within ${timeoutMs} ms; stderr: ${err}`)),
          timeoutMs,
        );
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`worker exited (${code ?? signal}) before printing "${prefix}"; stderr: ${err}`));
        });
        waiters.push({
          prefix,
          resolve: (rest) => {
            clearTimeout(timer);
            resolve(rest);
          },
        });
      });
    },
  };
}

export interface BurstResult {
  seqs: number[];
  startedAt: number;
  finishedAt: number;
}

/** Starts two burst workers on one session, releases them together, returns what each one got. */
export async function twoProcessBurst(
  backend: string,
  options: object,
  sessionId: string,
  perWorker: number,
): Promise<BurstResult[]> {
  const workers = [
    startWorker(backend, options, sessionId, perWorker, "burst"),
    startWorker(backend, options, sessionId, perWorker, "burst"),
  ];
  try {
    await Promise.all(workers.map((w) => w.waitFor("ready")));
    const startAt = Date.now() + 200;
    for (const w of workers) w.child.stdin.write(`go ${startAt}\n`);
    const results = await Promise.all(workers.map((w) => w.waitFor("done", 60_000)));
    return results.map((r) => JSON.parse(r) as BurstResult);
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  }
}
