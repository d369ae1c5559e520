// One memory contender in one process (issue 20): @kaizen/memory's SQLite, Redis or Postgres
// backend, or its raw driver (better-sqlite3, ioredis, pg) issuing the same statements the backend
// issues (read from its source: the same SQL in the same transactions, the same Lua script, the
// same MULTI), on tables and keys of its own. Appends spread over sessions, then loads of the
// latest turns, each timed; the process reports and exits.
import { randomUUID, createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { reportFatal, type Message } from "./child-process.js";
import { percentile } from "./scenario.js";

export type MemoryBackend = "sqlite" | "redis" | "postgres";
export type MemoryContender = "kaizen" | "raw";

export interface MemorySpec {
  backend: MemoryBackend;
  contender: MemoryContender;
  /** Appends measured, spread round-robin over `sessions`. */
  appends: number;
  sessions: number;
  /** Loads measured (round-robin over the same sessions), each of the latest `loadTurns` turns. */
  loads: number;
  loadTurns: number;
  /** Appends in flight at once. */
  concurrency: number;
  /** Loads in flight at once (1: each load's latency is its own, not a queue's). */
  loadConcurrency: number;
  /** Appends and loads on other sessions before measuring. */
  warmup: number;
  /** Unique per run: table names and Redis key prefixes start with it. */
  prefix: string;
  redisUrl: string;
  postgresUrl: string;
}

export interface MemoryResult {
  spec: MemorySpec;
  appendWallMs: number;
  appendsPerSec: number;
  appendP50Ms: number;
  appendP99Ms: number;
  cpuMsPerAppend: number;
  loadWallMs: number;
  loadsPerSec: number;
  loadP50Ms: number;
  loadP99Ms: number;
  cpuMsPerLoad: number;
  /** Turns the last load returned (a check that loads read what was appended). */
  turnsLoaded: number;
}

interface Turn {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

interface Store {
  append(sessionId: string, turn: Turn): Promise<unknown>;
  /** Resolves with the number of turns read. */
  load(sessionId: string, maxTurns: number): Promise<number>;
  close(): Promise<void>;
}

const memoryDist = (file: string): string => new URL(`../../packages/memory/dist/${file}`, import.meta.url).href;

async function kaizenStore(spec: MemorySpec, dir: string): Promise<Store> {
  const { SqliteMemory, RedisMemory, PostgresMemory } = await import("@kaizen/memory");
  const memory =
    spec.backend === "sqlite"
      ? new SqliteMemory({ path: join(dir, "kaizen.db") })
      : spec.backend === "redis"
        ? new RedisMemory({ url: spec.redisUrl, keyPrefix: `${spec.prefix}:` })
        : new PostgresMemory({ connectionString: spec.postgresUrl, table: spec.prefix });
  if (memory instanceof PostgresMemory) await memory.migrate();
  return {
    append: (sessionId, turn) => memory.appendAsync(sessionId, turn),
    load: async (sessionId, maxTurns) => (await memory.loadAsync(sessionId, { maxTurns })).turns.length,
    async close() {
      if (memory instanceof RedisMemory) await memory.purgeAsync();
      if (memory instanceof PostgresMemory) await memory.dropTablesAsync();
      await memory.close();
    },
  };
}

interface SqliteRow {
  id: string;
  seq: number;
  inputs: string;
  outputs: string;
  metadata: string | null;
  created_at: number;
}

async function rawSqlite(dir: string): Promise<Store> {
  const { default: Database } = await import("better-sqlite3");
  const { SQLITE_MIGRATIONS } = (await import(memoryDist("sqlite-schema.js"))) as { SQLITE_MIGRATIONS: Array<{ sql: string }> };
  const db = new Database(join(dir, "raw.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  for (const m of SQLITE_MIGRATIONS) db.exec(m.sql);
  const getSession = db.prepare(
    "SELECT expires_at, summary, summary_through_seq, summary_updated_at FROM kaizen_sessions WHERE session_id = ?",
  );
  const lastSeq = db.prepare("SELECT coalesce(max(seq), 0) AS last FROM kaizen_turns WHERE session_id = ?");
  const insertTurn = db.prepare(
    "INSERT INTO kaizen_turns (session_id, seq, id, inputs, outputs, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const touchSession = db.prepare(
    "INSERT INTO kaizen_sessions (session_id, expires_at) VALUES (?, ?) ON CONFLICT (session_id) DO UPDATE SET expires_at = excluded.expires_at",
  );
  const latestTurns = db.prepare(
    "SELECT id, seq, inputs, outputs, metadata, created_at FROM kaizen_turns WHERE session_id = ? ORDER BY seq DESC LIMIT ?",
  );
  // The backend's append: one IMMEDIATE transaction reading the session (its TTL) and the last seq.
  const appendTx = db.transaction((sessionId: string, inputs: string, outputs: string, now: number) => {
    getSession.get(sessionId);
    const { last } = lastSeq.get(sessionId) as { last: number };
    const id = randomUUID();
    insertTurn.run(sessionId, last + 1, id, inputs, outputs, null, now);
    touchSession.run(sessionId, null);
    return { id, seq: last + 1 };
  });
  const loadTx = db.transaction((sessionId: string, maxTurns: number) => {
    getSession.get(sessionId);
    const rows = latestTurns.all(sessionId, maxTurns) as SqliteRow[];
    return rows
      .reverse()
      .map((r) => ({ ...r, inputs: JSON.parse(r.inputs) as unknown, outputs: JSON.parse(r.outputs) as unknown }));
  });
  return {
    append: async (sessionId, turn) =>
      appendTx.immediate(sessionId, JSON.stringify(turn.inputs), JSON.stringify(turn.outputs), Date.now()),
    load: async (sessionId, maxTurns) => loadTx.deferred(sessionId, maxTurns).length,
    close: async () => {
      db.close();
    },
  };
}

async function rawRedis(spec: MemorySpec): Promise<Store> {
  const { Redis } = await import("ioredis");
  const { APPEND_SCRIPT } = (await import(memoryDist("redis-scripts.js"))) as { APPEND_SCRIPT: string };
  const client = new Redis(spec.redisUrl, { maxRetriesPerRequest: 1 });
  const sha = createHash("sha1").update(APPEND_SCRIPT).digest("hex");
  const prefix = `${spec.prefix}-raw:`;
  const keys = (sessionId: string) => {
    const base = `${prefix}{${sessionId}}`;
    return { turns: `${base}:turns`, seq: `${base}:seq`, summary: `${base}:summary` };
  };
  return {
    async append(sessionId, turn) {
      const k = keys(sessionId);
      const rest = `{"id":${JSON.stringify(randomUUID())},"inputs":${JSON.stringify(turn.inputs)},"outputs":${JSON.stringify(turn.outputs)}}`;
      const args = [k.turns, k.seq, k.summary, rest, "0", "0"];
      try {
        return await client.evalsha(sha, 3, ...args);
      } catch (err) {
        if (err instanceof Error && err.message.startsWith("NOSCRIPT")) return client.eval(APPEND_SCRIPT, 3, ...args);
        throw err;
      }
    },
    async load(sessionId, maxTurns) {
      const k = keys(sessionId);
      const results = await client.multi().lrange(k.turns, -maxTurns, -1).hmget(k.summary, "text").exec();
      if (!results) throw new Error("MULTI returned null");
      for (const [err] of results) if (err) throw err;
      return (results[0]?.[1] as string[]).map((row) => JSON.parse(row) as unknown).length;
    },
    async close() {
      let cursor = "0";
      do {
        const [next, found] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
        cursor = next;
        if (found.length > 0) await client.unlink(...found);
      } while (cursor !== "0");
      await client.quit();
    },
  };
}

async function rawPostgres(spec: MemorySpec): Promise<Store> {
  const { default: pg } = await import("pg");
  const { POSTGRES_MIGRATIONS, postgresNames } = (await import(memoryDist("postgres-schema.js"))) as {
    POSTGRES_MIGRATIONS: Array<{ sql: (n: unknown) => string }>;
    postgresNames: (schema: string, table: string) => { turns: string; sessions: string; migrations: string };
  };
  const n = postgresNames("public", `${spec.prefix}_raw`);
  const pool = new pg.Pool({ connectionString: spec.postgresUrl });
  pool.on("error", () => undefined);
  for (const m of POSTGRES_MIGRATIONS) await pool.query(m.sql(n));
  const NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
  const expired = `(s.expires_at IS NOT NULL AND s.expires_at <= ${NOW_MS})`;
  const bump = `INSERT INTO ${n.sessions} AS s (session_id, last_seq, expires_at)
           VALUES ($1, 1, CASE WHEN $2::bigint IS NULL THEN NULL ELSE ${NOW_MS} + $2::bigint END)
           ON CONFLICT (session_id) DO UPDATE SET
             last_seq = CASE WHEN ${expired} THEN 1 ELSE s.last_seq + 1 END,
             summary = CASE WHEN ${expired} THEN NULL ELSE s.summary END,
             summary_through_seq = CASE WHEN ${expired} THEN NULL ELSE s.summary_through_seq END,
             summary_updated_at = CASE WHEN ${expired} THEN NULL ELSE s.summary_updated_at END,
             expires_at = EXCLUDED.expires_at
           RETURNING last_seq`;
  const insert = `INSERT INTO ${n.turns} (session_id, seq, id, inputs, outputs, metadata, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, ${NOW_MS}) RETURNING created_at`;
  const head = `SELECT summary, (expires_at IS NOT NULL AND expires_at <= ${NOW_MS}) AS expired FROM ${n.sessions} WHERE session_id = $1`;
  const latest = `SELECT id, seq, inputs, outputs, metadata, created_at FROM ${n.turns} WHERE session_id = $1 ORDER BY seq DESC LIMIT $2`;
  return {
    async append(sessionId, turn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        try {
          const counter = await client.query<{ last_seq: string }>(bump, [sessionId, null]);
          const seq = Number(counter.rows[0]?.last_seq);
          if (seq === 1) await client.query(`DELETE FROM ${n.turns} WHERE session_id = $1`, [sessionId]);
          const inserted = await client.query<{ created_at: string }>(insert, [
            sessionId,
            seq,
            randomUUID(),
            JSON.stringify(turn.inputs),
            JSON.stringify(turn.outputs),
            null,
          ]);
          await client.query("COMMIT");
          return { seq, createdAt: Number(inserted.rows[0]?.created_at) };
        } catch (err) {
          await client.query("ROLLBACK");
          throw err;
        }
      } finally {
        client.release();
      }
    },
    async load(sessionId, maxTurns) {
      const client = await pool.connect();
      try {
        const session = await client.query<{ expired: boolean }>(head, [sessionId]);
        if (session.rows[0]?.expired) return 0;
        const result = await client.query(latest, [sessionId, maxTurns]);
        return result.rows.reverse().length;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.query(`DROP TABLE IF EXISTS ${n.turns}, ${n.sessions}, ${n.migrations}`);
      await pool.end();
    },
  };
}

async function openStore(spec: MemorySpec, dir: string): Promise<Store> {
  if (spec.contender === "kaizen") return kaizenStore(spec, dir);
  if (spec.backend === "sqlite") return rawSqlite(dir);
  if (spec.backend === "redis") return rawRedis(spec);
  return rawPostgres(spec);
}

/** `count` operations, `concurrency` at a time; the latency of each. */
async function timed(count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, lane));
  return latencies.sort((a, b) => a - b);
}

const turnOf = (i: number): Turn => ({
  inputs: { question: `Question ${i}: what is ${i} + ${i}?` },
  outputs: { answer: `${i} + ${i} = ${2 * i}`, confidence: 0.9 },
});

async function run(spec: MemorySpec): Promise<MemoryResult> {
  const dir = await mkdtemp(join(tmpdir(), "kaizen-bench-memory-"));
  const store = await openStore(spec, dir);
  try {
    const session = (i: number) => `s-${i % spec.sessions}`;
    const warmSession = (i: number) => `warm-${i % 10}`;
    await timed(spec.warmup, spec.concurrency, (i) => store.append(warmSession(i), turnOf(i)));
    await timed(spec.warmup, spec.concurrency, (i) => store.load(warmSession(i), spec.loadTurns));
    (globalThis as { gc?: () => void }).gc?.();

    let cpu = process.cpuUsage();
    let t0 = performance.now();
    const appends = await timed(spec.appends, spec.concurrency, (i) => store.append(session(i), turnOf(i)));
    const appendWallMs = performance.now() - t0;
    const appendCpu = process.cpuUsage(cpu);

    let turnsLoaded = 0;
    cpu = process.cpuUsage();
    t0 = performance.now();
    const loads = await timed(spec.loads, spec.loadConcurrency, async (i) => {
      turnsLoaded = await store.load(session(i), spec.loadTurns);
    });
    const loadWallMs = performance.now() - t0;
    const loadCpu = process.cpuUsage(cpu);
    return {
      spec,
      appendWallMs,
      appendsPerSec: (spec.appends / appendWallMs) * 1000,
      appendP50Ms: percentile(appends, 50),
      appendP99Ms: percentile(appends, 99),
      cpuMsPerAppend: (appendCpu.user + appendCpu.system) / 1000 / spec.appends,
      loadWallMs,
      loadsPerSec: (spec.loads / loadWallMs) * 1000,
      loadP50Ms: percentile(loads, 50),
      loadP99Ms: percentile(loads, 99),
      cpuMsPerLoad: (loadCpu.user + loadCpu.system) / 1000 / spec.loads,
      turnsLoaded,
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

process.once("message", (m: Message) => {
  run(m.spec as MemorySpec)
    .then((result) => process.send?.({ type: "result", result }, () => process.exit(0)))
    .catch(reportFatal);
});
