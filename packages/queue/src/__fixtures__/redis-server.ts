// A redis-server of the test's own, on a free 127.0.0.1 port, that the test may kill and start
// again on the same port. With persistence "aof" its append-only file is fsynced on every write,
// so a SIGKILL loses nothing Redis acknowledged: what a deployment that must not lose work runs.
// With "none" (--save "" --appendonly no) a restart is an empty Redis.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILL: gone at once, mid-write if need be. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory; nothing when it runs. */
  restart(): Promise<void>;
  /** Stops it for good and removes its data. Idempotent. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startRedisServer(persistence: "aof" | "none"): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "kaizen-queue-redis-"));
  let child: ChildProcess | undefined;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const launch = () =>
    new Promise<void>((resolve, reject) => {
      if (running()) return resolve();
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""];
      if (persistence === "aof") args.push("--appendonly", "yes", "--appendfsync", "always");
      else args.push("--appendonly", "no");
      const started = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
      child = started;
      // Never outlives the test process, even one that dies before its afterAll.
      const reap = () => started.kill("SIGKILL");
      process.once("exit", reap);
      started.once("exit", () => process.off("exit", reap));
      let out = "";
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${port}: ${out}`)), 10_000);
      started.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}) on ${port}: ${out}`));
      });
    });

  const kill = async () => {
    const current = child;
    if (current === undefined || !running()) return;
    const exited = new Promise((resolve) => current.once("exit", resolve));
    current.kill("SIGKILL");
    await exited;
  };

  await launch();
  let closed = false;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: launch,
    async close() {
      if (closed) return;
      closed = true;
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
