// Throwaway redis-server and postgres processes for the fault suite, each on its own free port and
// data dir, so that pausing, cutting or killing them never touches the shared servers other tests
// (and other sessions) use. Same approach as @kaizen/memory's and @kaizen/queue's fixtures.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

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

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms`);
}

const running = (child: ChildProcess | undefined): child is ChildProcess =>
  child !== undefined && child.exitCode === null && child.signalCode === null;

function exited(child: ChildProcess | undefined): Promise<void> {
  if (!running(child)) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Starts `child` in its own process group and makes sure it never outlives the test process, even one that dies before its afterAll. */
function spawnGroup(command: string, args: string[], options: { cwd: string; uid?: number; gid?: number }): ChildProcess {
  const child = spawn(command, args, { ...options, stdio: "ignore", detached: true });
  const reap = () => signalGroup(child, "SIGKILL");
  process.once("exit", reap);
  child.once("exit", () => process.off("exit", reap));
  return child;
}

function signalGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (child?.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone: nothing to signal.
  }
}

/** The processes `pid` forked (Linux /proc): Postgres backends are their own session leaders, out of the postmaster's group. */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // Gone between readdir and read.
    }
  }
  return out;
}

function signalTree(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (child?.pid === undefined) return;
  const pids = [child.pid, ...childPids(child.pid)];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

export interface OwnServer {
  port: number;
  url: string;
  /** SIGSTOP the server and all its processes: connections stay open, nothing answers. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Stops the server (Redis: SIGKILL; Postgres: fast shutdown) and starts it again on the same port and data dir. */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Stops it for good and removes its data. Idempotent. */
  stop(): Promise<void>;
}

export interface OwnRedis extends OwnServer {
  /** `CLIENT KILL TYPE normal`: cuts every client connection but the one that asks. */
  killClients(): Promise<number>;
}

/**
 * redis-server --save "" with an append-only file fsynced on every write: a SIGKILL and restart then
 * loses nothing Redis acknowledged, which is what "every acknowledged turn is there afterwards"
 * needs of a deployment (without persistence a restart is an empty Redis, by design).
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "kaizen-chat-faults-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""];
    child = spawnGroup("redis-server", [...args, "--appendonly", "yes", "--appendfsync", "always"], { cwd: dir });
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
  let stopped = false;
  return {
    port,
    url,
    pause: () => signalGroup(child, "SIGSTOP"),
    resume: () => signalGroup(child, "SIGCONT"),
    async restart({ downMs = 0 } = {}) {
      signalGroup(child, "SIGCONT");
      signalGroup(child, "SIGKILL");
      await exited(child);
      await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    async killClients() {
      const admin = new Redis(url, { maxRetriesPerRequest: 0 });
      admin.on("error", () => undefined);
      try {
        return Number(await admin.client("KILL", "TYPE", "normal", "SKIPME", "yes"));
      } finally {
        admin.disconnect();
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      signalGroup(child, "SIGCONT");
      signalGroup(child, "SIGKILL");
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

export interface OwnPostgres extends OwnServer {
  /** Runs SQL through psql as the superuser; resolves with its unaligned, tuples-only output. */
  sql(query: string): Promise<string>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "kaizen-chat-faults-pg-"));
  const user = postgresUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  execFileSync(postgresBin("initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"], {
    stdio: "ignore",
    cwd: dir,
    ...user,
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const sql = (query: string): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(
        postgresBin("psql"),
        [
          "-h",
          "127.0.0.1",
          "-p",
          String(port),
          "-U",
          "postgres",
          "-d",
          "postgres",
          "-X",
          "-A",
          "-t",
          "-v",
          "ON_ERROR_STOP=1",
          "-c",
          query,
        ],
        { timeout: 10_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`psql: ${err.message} ${stderr}`)) : resolve(stdout.trim())),
      );
    });
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    child = spawnGroup(
      postgresBin("postgres"),
      ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
      { cwd: dir, ...user },
    );
    await waitFor(async () => (await sql("SELECT 1")) === "1", "postgres");
  };
  // Fast shutdown: the postmaster rolls back open transactions and takes its backends down with it.
  const shutdown = async (): Promise<void> => {
    signalTree(child, "SIGCONT");
    child?.kill("SIGINT");
    await exited(child);
  };
  await launch();
  let stopped = false;
  return {
    port,
    url,
    sql,
    // The postmaster first, so that it forks no new backend while they are being stopped.
    pause: () => signalTree(child, "SIGSTOP"),
    resume: () => signalTree(child, "SIGCONT"),
    async restart({ downMs = 0 } = {}) {
      await shutdown();
      await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
