// Throwaway redis-server and postgres processes for fault tests, on their own port and data dir,
// so stopping, pausing or killing them never touches the shared servers other tests use.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms`);
}

export interface OwnServer {
  url: string;
  process: ChildProcess;
  /** SIGSTOP / SIGCONT / SIGKILL the server process. */
  signal(signal: NodeJS.Signals): void;
  /** Starts a new server on the same port and data dir (after a kill). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startRedis(): Promise<OwnServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "kaizen-fault-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  const { Redis } = await import("ioredis");
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      {
        stdio: "ignore",
      },
    );
    await waitFor(async () => {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === "PONG";
      } finally {
        probe.disconnect();
      }
    }, "redis-server");
  };
  await launch();
  return {
    url,
    get process() {
      return child;
    },
    signal: (s) => child.kill(s),
    restart: launch,
    stop: async () => {
      child.kill("SIGCONT");
      // Fast shutdown: the postmaster takes its backends down with it.
      child.kill("SIGINT");
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBin(name: string): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = join(root, version, "bin", name);
    if (existsSync(bin)) return bin;
  }
  return name;
}

/** Postgres refuses to run as root: as root, it runs as the `postgres` user (the process itself, so signals reach it). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync("id", [flag, "postgres"]).toString().trim());
  return { uid: id("-u"), gid: id("-g") };
}

export async function startPostgres(): Promise<OwnServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "kaizen-fault-pg-"));
  const user = postgresUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  execFileSync(postgresBin("initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"], {
    stdio: "ignore",
    cwd: dir,
    ...user,
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn(
      postgresBin("postgres"),
      ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
      { stdio: "ignore", cwd: dir, ...user },
    );
    await waitFor(async () => {
      const probe = new pg.Client({ connectionString: url });
      probe.on("error", () => undefined);
      try {
        await probe.connect();
        await probe.query("SELECT 1");
        return true;
      } finally {
        await probe.end().catch(() => undefined);
      }
    }, "postgres");
  };
  await launch();
  return {
    url,
    get process() {
      return child;
    },
    signal: (s) => child.kill(s),
    restart: launch,
    stop: async () => {
      child.kill("SIGCONT");
      // Fast shutdown: the postmaster takes its backends down with it.
      child.kill("SIGINT");
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
