// PostgresMemory specifics against the real local server; the shared behaviour is in the conformance suite.
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryConnectionError, MemoryOptionsError, POSTGRES_SCHEMA_VERSION, PostgresMemory } from "./index.js";

const connectionString = process.env["DATABASE_URL"] ?? "postgres://127.0.0.1:5432/test";
const runId = randomUUID().replaceAll("-", "").slice(0, 10);
const tables: string[] = [];
const table = (label: string): string => {
  const name = `kaizen_test_${label}_${runId}`;
  tables.push(name);
  return name;
};
// Like PostgresMemory itself, connect as the OS user when neither the URL nor the environment names one.
const poolUrl = new URL(connectionString);
if (!poolUrl.username && !process.env["USER"] && !process.env["PGUSER"]) poolUrl.username = userInfo().username;
const pool = new pg.Pool({ connectionString: poolUrl.toString() });

afterAll(async () => {
  for (const name of tables) await pool.query(`DROP TABLE IF EXISTS "${name}", "${name}_sessions", "${name}_migrations"`);
  await pool.query(`DROP SCHEMA IF EXISTS "kaizen_test_schema_${runId}" CASCADE`);
  await pool.end();
});

const turn = (i: number) => ({ inputs: { i }, outputs: { ok: true } });

describe("PostgresMemory", () => {
  it("migrates once: five instances starting at once apply version 1 exactly once", async () => {
    const name = table("migrate");
    const memories = Array.from({ length: 5 }, () => new PostgresMemory({ pool, table: name }));
    try {
      const applied = await Promise.all(memories.map((m) => m.migrate()));
      expect(applied.flat()).toEqual([1]);
      const rows = await pool.query(`SELECT version FROM "${name}_migrations"`);
      expect(rows.rows).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
      // Again, from a new instance: nothing to do, data untouched.
      await memories[0]?.appendAsync("m", turn(1));
      const later = new PostgresMemory({ pool, table: name });
      expect(await later.migrate()).toEqual([]);
      expect((await later.loadAsync("m")).turns).toHaveLength(1);
      await later.close();
    } finally {
      for (const m of memories) await m.close();
    }
  });

  it("creates its schema when missing", async () => {
    const schema = `kaizen_test_schema_${runId}`;
    const memory = new PostgresMemory({ pool, schema, table: "turns" });
    try {
      await memory.appendAsync("s", turn(1));
      const found = await pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", [
        schema,
      ]);
      expect(found.rows.map((r: { table_name: string }) => r.table_name)).toEqual([
        "turns",
        "turns_migrations",
        "turns_sessions",
      ]);
    } finally {
      await memory.close();
    }
  });

  it("deletes rows beyond maxTurns, and expired sessions' rows on a later append", async () => {
    const name = table("retention");
    const memory = new PostgresMemory({ pool, table: name, maxTurns: 2, ttlMs: 150 });
    try {
      for (let i = 1; i <= 5; i++) await memory.appendAsync("r", turn(i));
      const count = async (session: string): Promise<number> =>
        Number((await pool.query(`SELECT count(*) AS c FROM "${name}" WHERE session_id = $1`, [session])).rows[0].c);
      expect(await count("r")).toBe(2);
      await new Promise((r) => setTimeout(r, 300));
      expect((await memory.loadAsync("r")).turns).toEqual([]);
      await memory.appendAsync("other", turn(1));
      expect(await count("r")).toBe(0);
      expect((await memory.appendAsync("r", turn(9))).seq).toBe(1);
    } finally {
      await memory.close();
    }
  });

  it("fails fast with MemoryConnectionError when Postgres is unreachable, without the password", async () => {
    const memory = new PostgresMemory({
      connectionString: "postgres://kaizen:s3cretpassw0rd@127.0.0.1:1/test",
      connectTimeoutMs: 1000,
    });
    const started = Date.now();
    const err = await memory.appendAsync("x", turn(1)).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err).toBeInstanceOf(MemoryConnectionError);
    const error = err as MemoryConnectionError;
    expect(error.backend).toBe("postgres");
    expect(error.message).toContain("postgres://kaizen:***@127.0.0.1:1/test");
    expect(error.message).toMatch(/DATABASE_URL/);
    expect(error.message).not.toContain("s3cretpassw0rd");
    expect(error.target).not.toContain("s3cretpassw0rd");
    await memory.close();
  });

  it("reports a missing database as a connection error naming the fix", async () => {
    const memory = new PostgresMemory({ connectionString: `postgres://root@127.0.0.1:5432/kaizen_no_such_db_${runId}` });
    const err = await memory.loadAsync("x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemoryConnectionError);
    expect((err as Error).message).toMatch(/does not exist/);
    await memory.close();
  });

  it("leaves a pool passed in open on close()", async () => {
    const memory = new PostgresMemory({ pool, table: table("pool") });
    await memory.appendAsync("p", turn(1));
    await memory.close();
    await memory.close();
    expect((await pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  it("refuses table and schema names that are not plain identifiers", () => {
    expect(() => new PostgresMemory({ table: 'x"; DROP TABLE y; --' })).toThrow(MemoryOptionsError);
    expect(() => new PostgresMemory({ schema: "a.b" })).toThrow(/schema/);
  });
});
