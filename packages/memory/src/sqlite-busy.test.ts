// A write lock held by another connection: the async methods wait for it on timers, so the event
// loop keeps serving (here: the timer that releases the lock, and a ticking interval), they stop
// at their signal, and checkWritable tells ahead whether a turn could be written.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryBusyError, SqliteMemory } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "kaizen-sqlite-busy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const turn = (i: number) => ({ inputs: { i }, outputs: { answer: `a${i}` } });

/** A second connection to the file holding the write lock until released. */
function lockHolder(path: string) {
  const db = new Database(path);
  db.prepare("BEGIN IMMEDIATE").run();
  return {
    release() {
      if (!db.open) return;
      db.prepare("ROLLBACK").run();
      db.close();
    },
  };
}

function setup(busyTimeoutMs: number) {
  const path = join(dir, `busy-${++n}.db`);
  const memory = new SqliteMemory({ path, busyTimeoutMs });
  memory.append("s", turn(1));
  return { path, memory };
}

describe("SqliteMemory under another writer's lock", () => {
  it("appendAsync waits on timers: the event loop keeps running and the append lands once the lock goes", async () => {
    const { path, memory } = setup(3000);
    const lock = lockHolder(path);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    setTimeout(() => lock.release(), 300);
    try {
      const started = Date.now();
      const stored = await memory.appendAsync("s", turn(2));
      expect(stored.seq).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      // About 30 ticks in 300 ms if the loop was free; a blocked loop would give 0 or 1.
      expect(ticks).toBeGreaterThanOrEqual(10);
    } finally {
      clearInterval(ticker);
      lock.release();
      await memory.close();
    }
  });

  it("gives up after busyTimeoutMs with MemoryBusyError naming the fix, and works again after", async () => {
    const { path, memory } = setup(200);
    const lock = lockHolder(path);
    try {
      const started = Date.now();
      const error = await memory.appendAsync("s", turn(2)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MemoryBusyError);
      expect((error as Error).message).toMatch(/busyTimeoutMs/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(180);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      lock.release();
    }
    expect((await memory.appendAsync("s", turn(3))).seq).toBe(2);
    await memory.close();
  });

  it("stops waiting when its signal aborts, with the signal's reason", async () => {
    const { path, memory } = setup(10_000);
    const lock = lockHolder(path);
    try {
      const started = Date.now();
      const error = await memory.appendAsync("s", turn(2), { signal: AbortSignal.timeout(150) }).catch((e: unknown) => e);
      expect((error as Error).name).toBe("TimeoutError");
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      lock.release();
      await memory.close();
    }
  });

  it("checkWritableAsync fails while the lock is held past the timeout, passes once it is free, and writes nothing", async () => {
    const { path, memory } = setup(150);
    const lock = lockHolder(path);
    await expect(memory.checkWritableAsync("s")).rejects.toBeInstanceOf(MemoryBusyError);
    expect(() => memory.checkWritable("s")).toThrow(MemoryBusyError);
    lock.release();
    await memory.checkWritableAsync("s");
    memory.checkWritable("s");
    expect((await memory.loadAsync("s")).turns).toHaveLength(1);
    await memory.close();
  });

  it("loads read the last committed state while a writer holds the lock (WAL)", async () => {
    const { path, memory } = setup(100);
    const lock = lockHolder(path);
    try {
      expect((await memory.loadAsync("s")).turns.map((t) => t.inputs["i"])).toEqual([1]);
    } finally {
      lock.release();
      await memory.close();
    }
  });
});
