// Opening a SQLite file while another connection holds its write lock: SQLite answers the switch
// to WAL with SQLITE_BUSY at once, without running its busy handler (it would risk a deadlock).
// That is what two processes opening one new file at once meet; SqliteMemory waits it out within
// busyTimeoutMs, and past it says so. The lock is held by a real second connection in a worker
// thread, since the constructor blocks this one.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryBusyError } from "./errors.js";
import { SqliteMemory } from "./sqlite-memory.js";

const dir = mkdtempSync(join(tmpdir(), "kaizen-sqlite-open-busy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOLD_MS = 300;

/** A fresh file (rollback journal, as a new file is) whose write lock a worker holds for HOLD_MS. */
async function lockedFile(name: string): Promise<{ path: string; released: Promise<void> }> {
  const path = join(dir, name);
  const init = new Database(path);
  init.exec("CREATE TABLE other (x)");
  init.close();
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const Database = require(workerData.driver);
     const db = new Database(workerData.path);
     db.exec("BEGIN IMMEDIATE");
     parentPort.postMessage("held");
     setTimeout(() => { db.exec("COMMIT"); db.close(); parentPort.postMessage("released"); }, workerData.holdMs);`,
    { eval: true, workerData: { path, holdMs: HOLD_MS, driver: createRequire(import.meta.url).resolve("better-sqlite3") } },
  );
  const released = new Promise<void>((resolve, reject) => {
    worker.on("message", (m: string) => {
      if (m === "released") void worker.terminate().then(() => resolve());
    });
    worker.once("error", reject);
  });
  await new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
  });
  return { path, released };
}

describe("SqliteMemory opening a file another connection is writing", () => {
  it("waits for the lock instead of failing at once, and works", async () => {
    const { path, released } = await lockedFile("held.db");
    const started = Date.now();
    // Blocks this thread until the worker commits (its timer runs on its own thread).
    const memory = new SqliteMemory({ path, busyTimeoutMs: 5_000 });
    try {
      expect(Date.now() - started).toBeGreaterThanOrEqual(HOLD_MS - 50);
      await released;
      await memory.appendAsync("s", { inputs: { q: 1 }, outputs: { a: 2 } });
      expect((await memory.loadAsync("s")).turns).toHaveLength(1);
    } finally {
      await memory.close();
    }
  });

  it("gives up after busyTimeoutMs with MemoryBusyError naming the option", async () => {
    const { path, released } = await lockedFile("held-long.db");
    const started = Date.now();
    let error: unknown;
    try {
      new SqliteMemory({ path, busyTimeoutMs: 100 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MemoryBusyError);
    expect((error as Error).message).toContain("busyTimeoutMs");
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    await released;
  });
});
