import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { MemoryBusyError, MemoryClosedError, MemoryOptionsError, SQLITE_SCHEMA_VERSION, SqliteMemory } from "./index.js";
import { migrateSqlite } from "./sqlite-migrate.js";

const dir = mkdtempSync(join(tmpdir(), "kaizen-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (): string => join(dir, `db-${++n}.db`);
const opened: SqliteMemory[] = [];
const open = (options: ConstructorParameters<typeof SqliteMemory>[0] = {}): SqliteMemory => {
  const memory = new SqliteMemory({ path: file(), ...options });
  opened.push(memory);
  return memory;
};
afterEach(async () => {
  for (const memory of opened.splice(0)) await memory.close();
});

const turn = (i: number) => ({ inputs: { i }, outputs: { answer: `a${i}` } });

describe("SqliteMemory", () => {
  it("creates the directory and the file, in WAL mode with the chosen synchronous level", async () => {
    const path = join(dir, "nested", "deeper", "memory.db");
    const memory = new SqliteMemory({ path, synchronous: "NORMAL" });
    memory.append("s1", turn(1));
    await memory.close();
    expect(existsSync(path)).toBe(true);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.prepare("SELECT count(*) AS c FROM kaizen_turns").get()).toEqual({ c: 1 });
    } finally {
      db.close();
    }
  });

  it("defaults to .kaizen/memory.db under the working directory", async () => {
    const cwd = process.cwd();
    const work = mkdtempSync(join(dir, "cwd-"));
    process.chdir(work);
    try {
      const memory = new SqliteMemory();
      expect(memory.path).toBe(join(work, ".kaizen", "memory.db"));
      await memory.close();
      expect(existsSync(join(work, ".kaizen", "memory.db"))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it("keeps turns across a restart (close and reopen the file)", async () => {
    const path = file();
    const first = new SqliteMemory({ path });
    first.append("restart", turn(1));
    await first.appendAsync("restart", turn(2));
    await first.close();
    const second = new SqliteMemory({ path });
    opened.push(second);
    expect(second.load("restart").turns.map((t) => t.inputs["i"])).toEqual([1, 2]);
    expect(second.append("restart", turn(3)).seq).toBe(3);
  });

  it("runs migrations once: reopening and re-running them changes nothing", async () => {
    const path = file();
    const memory = new SqliteMemory({ path });
    memory.append("m", turn(1));
    await memory.close();
    const again = new SqliteMemory({ path });
    opened.push(again);
    expect(again.load("m").turns).toHaveLength(1);
    const db = new Database(path);
    try {
      expect(migrateSqlite(db)).toEqual([]);
      const rows = db.prepare("SELECT version FROM kaizen_memory_migrations ORDER BY version").all();
      expect(rows).toEqual([{ version: SQLITE_SCHEMA_VERSION }]);
    } finally {
      db.close();
    }
  });

  it("applies migrations to a fresh database exactly once", () => {
    const db = new Database(":memory:");
    try {
      expect(migrateSqlite(db)).toEqual([1]);
      expect(migrateSqlite(db)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("enforces UNIQUE(session_id, seq): the schema refuses a duplicate seq", async () => {
    const path = file();
    const memory = new SqliteMemory({ path });
    opened.push(memory);
    memory.append("u", turn(1));
    const db = new Database(path);
    try {
      expect(() =>
        db
          .prepare(
            "INSERT INTO kaizen_turns (session_id, seq, id, inputs, outputs, created_at) VALUES ('u', 1, 'x', '{}', '{}', 0)",
          )
          .run(),
      ).toThrow(/UNIQUE|PRIMARY KEY/);
    } finally {
      db.close();
    }
  });

  it("fails with MemoryBusyError, after the busy timeout, while another connection holds the write lock", () => {
    const path = file();
    const memory = open({ path, busyTimeoutMs: 150 });
    memory.append("busy", turn(1));
    const other = new Database(path);
    other.prepare("BEGIN IMMEDIATE").run();
    try {
      const started = Date.now();
      let error: unknown;
      try {
        memory.append("busy", turn(2));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(MemoryBusyError);
      expect((error as MemoryBusyError).code).toBe("busy");
      expect((error as Error).message).toMatch(/busyTimeoutMs/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    } finally {
      other.prepare("ROLLBACK").run();
      other.close();
    }
    expect(memory.append("busy", turn(3)).seq).toBe(2);
    expect(memory.load("busy").turns.map((t) => t.inputs["i"])).toEqual([1, 3]);
  });

  it("applies maxTurns on append and leaves other sessions alone", () => {
    const memory = open({ maxTurns: 2 });
    for (let i = 1; i <= 5; i++) memory.append("r1", turn(i));
    memory.append("r2", turn(1));
    expect(memory.load("r1").turns.map((t) => t.seq)).toEqual([4, 5]);
    expect(memory.load("r2").turns.map((t) => t.seq)).toEqual([1]);
  });

  it("deletes expired sessions' rows (not just hides them) on a later append", async () => {
    const path = file();
    const memory = open({ path, ttlMs: 100 });
    memory.append("old", turn(1));
    await new Promise((r) => setTimeout(r, 250));
    memory.append("new", turn(1));
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS c FROM kaizen_turns WHERE session_id = 'old'").get()).toEqual({ c: 0 });
      expect(db.prepare("SELECT count(*) AS c FROM kaizen_sessions WHERE session_id = 'old'").get()).toEqual({ c: 0 });
    } finally {
      db.close();
    }
    expect(memory.load("old").turns).toEqual([]);
    expect(memory.append("old", turn(2)).seq).toBe(1);
  });

  it("validates its options with errors naming the field", () => {
    expect(() => new SqliteMemory({ path: file(), maxTurns: 0 })).toThrow(MemoryOptionsError);
    expect(() => new SqliteMemory({ path: file(), ttlMs: -1 })).toThrow(/ttlMs/);
    expect(() => new SqliteMemory({ path: file(), busyTimeoutMs: 1.5 })).toThrow(/busyTimeoutMs/);
    expect(() => new SqliteMemory({ path: file(), synchronous: "OFF" as "FULL" })).toThrow(/synchronous/);
    const memory = open();
    expect(() => memory.load("s", { maxTurns: -1 })).toThrow(expect.objectContaining({ field: "maxTurns" }) as Error);
  });

  it("refuses calls after close, and close is idempotent", async () => {
    const memory = open();
    memory.append("c", turn(1));
    await memory.close();
    await memory.close();
    expect(() => memory.load("c")).toThrow(MemoryClosedError);
    await expect(memory.appendAsync("c", turn(2))).rejects.toBeInstanceOf(MemoryClosedError);
  });

  it("works with an in-memory database", () => {
    const memory = open({ path: ":memory:" });
    memory.append("mem", turn(1));
    expect(memory.load("mem").turns).toHaveLength(1);
  });
});
