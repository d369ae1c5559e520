// PostgresMemory: sessions shared by many app instances, with versioned migrations. Async only.
//
// pg is an optional peer dependency, loaded with a dynamic import the first time this backend
// talks to Postgres, so an app that only uses SqliteMemory never needs it installed. Pass `pool`
// to reuse a pool you manage (close() then leaves it open).
//
// Ordering: a per-session counter row in `<table>_sessions`, bumped by INSERT ... ON CONFLICT DO
// UPDATE ... RETURNING inside the append's transaction. The row lock it takes serializes appends to
// one session (and only that session) until commit, so seqs are gap-free and unique across instances.
// Times (createdAt, TTL) come from the server clock, so instances with skewed clocks agree.
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import type { Pool, PoolClient, PoolConfig } from "pg";
import type { PgPoolLike, PgPoolOptions } from "./driver-types.js";
import { loadPg } from "./drivers.js";
import { withPooledClient } from "./postgres-checkout.js";
import { MemoryClosedError, MemoryConnectionError, MemoryError, MemoryOptionsError, toMemoryError } from "./errors.js";
import { passwordOf, redactConnectionString } from "./redact.js";
import { POSTGRES_MIGRATIONS, isValidIdentifier, postgresNames } from "./postgres-schema.js";
import type { PostgresNames } from "./postgres-schema.js";
import { validateSessionId } from "./session-id.js";
import { checkLoadOptions, checkRetention, raceAbort, selectLatest, serializeTurn, throwIfAborted } from "./shared.js";
import type {
  JsonObject,
  LoadOptions,
  Memory,
  MemoryContext,
  NewSessionSummary,
  NewTurn,
  RetentionOptions,
  SessionSummary,
  Turn,
} from "./types.js";

export interface PostgresMemoryOptions extends RetentionOptions {
  /** Default: process.env.DATABASE_URL ?? "postgres://127.0.0.1:5432/test". Ignored when `pool` is given. */
  connectionString?: string;
  /** A pg Pool you own; PostgresMemory uses it and never ends it. */
  pool?: PgPoolLike;
  /** Default "public"; created when missing. */
  schema?: string;
  /** Default "kaizen_turns"; also names `<table>_sessions` and `<table>_migrations`. */
  table?: string;
  /** How long getting a connection may take before failing with MemoryConnectionError. Default 5000. */
  connectTimeoutMs?: number;
  /** Extra pg Pool options for the pool PostgresMemory creates (e.g. max, ssl). */
  poolOptions?: PgPoolOptions;
}

const BACKEND = "postgres";
const NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
const SWEEP_INTERVAL_MS = 60_000;

interface TurnRow {
  id: string;
  seq: string;
  inputs: JsonObject;
  outputs: JsonObject;
  metadata: JsonObject | null;
  created_at: string;
}

/** Sessions in two Postgres tables (turns, and one row per session for its counter, TTL and summary). */
export class PostgresMemory implements Memory {
  readonly kind = BACKEND;
  readonly schema: string;
  readonly table: string;
  readonly #names: PostgresNames;
  readonly #connectionString: string;
  readonly #maxTurns: number | undefined;
  readonly #ttlMs: number | undefined;
  readonly #ownsPool: boolean;
  readonly #connectTimeoutMs: number;
  readonly #poolOptions: PoolConfig | undefined;
  #pool: Pool | undefined;
  #creating: Promise<Pool> | undefined;
  #migrated: Promise<number[]> | undefined;
  #lastSweep = 0;
  #closed = false;

  constructor(options: PostgresMemoryOptions = {}) {
    const { maxTurns, ttlMs } = checkRetention(options, BACKEND);
    this.#maxTurns = maxTurns;
    this.#ttlMs = ttlMs;
    this.schema = options.schema ?? "public";
    this.table = options.table ?? "kaizen_turns";
    for (const [field, value] of [
      ["schema", this.schema],
      ["table", this.table],
    ] as const) {
      if (typeof value !== "string" || !isValidIdentifier(value)) {
        throw new MemoryOptionsError(
          field,
          `${field} must be a SQL identifier of letters, digits and _ (at most 50, not starting with a digit), got ${JSON.stringify(value)}. Fix: e.g. ${field}: "${field === "table" ? "kaizen_turns" : "public"}".`,
          BACKEND,
        );
      }
    }
    this.#names = postgresNames(this.schema, this.table);
    this.#connectionString = options.connectionString ?? process.env["DATABASE_URL"] ?? "postgres://127.0.0.1:5432/test";
    this.#pool = options.pool as Pool | undefined;
    this.#ownsPool = options.pool === undefined;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.#poolOptions = options.poolOptions as PoolConfig | undefined;
  }

  /** Applies missing migrations (once per instance; every call after the first is free). Returns the versions this call applied. */
  async migrate(options?: { signal?: AbortSignal }): Promise<number[]> {
    const pool = await this.#getPool(options?.signal);
    this.#migrated ??= this.#runMigrations(pool).catch((err: unknown) => {
      this.#migrated = undefined;
      throw err;
    });
    return raceAbort(this.#migrated, options?.signal);
  }

  async loadAsync(sessionId: string, options?: LoadOptions): Promise<MemoryContext> {
    validateSessionId(sessionId, BACKEND);
    const { maxTurns, maxTokens } = checkLoadOptions(options, BACKEND);
    throwIfAborted(options?.signal);
    const pool = await this.#ready(options?.signal);
    const n = this.#names;
    const run = async (client: PoolClient): Promise<MemoryContext> => {
      const session = await client.query<{ summary: string | null; expired: boolean }>(
        `SELECT summary, (expires_at IS NOT NULL AND expires_at <= ${NOW_MS}) AS expired FROM ${n.sessions} WHERE session_id = $1`,
        [sessionId],
      );
      const head = session.rows[0];
      if (head?.expired) return { turns: [] };
      let turns: Turn[] = [];
      if (maxTurns !== 0) {
        const result = await client.query<TurnRow>(
          `SELECT id, seq, inputs, outputs, metadata, created_at FROM ${n.turns} WHERE session_id = $1 ORDER BY seq DESC LIMIT $2`,
          [sessionId, maxTurns ?? null],
        );
        turns = selectLatest(
          result.rows.reverse().map((row) => toTurn(sessionId, row)),
          undefined,
          maxTokens,
        );
      }
      const context: MemoryContext = { turns };
      if (head?.summary != null) context.summary = head.summary;
      return context;
    };
    return this.#call(
      "load",
      withPooledClient(pool, options?.signal, ({ client }) => run(client)),
    );
  }

  async appendAsync(sessionId: string, turn: NewTurn, options?: { signal?: AbortSignal }): Promise<Turn> {
    validateSessionId(sessionId, BACKEND);
    const json = serializeTurn(turn, BACKEND);
    throwIfAborted(options?.signal);
    const pool = await this.#ready(options?.signal);
    throwIfAborted(options?.signal);
    const n = this.#names;
    const id = randomUUID();
    // Bounded by the signal like every call: an abort destroys the connection, so the server rolls
    // the transaction back (only an abort landing while COMMIT is on the wire leaves it unknown).
    const row = await this.#call(
      "append",
      this.#transaction(pool, options?.signal, async (client) => {
        const expired = `(s.expires_at IS NOT NULL AND s.expires_at <= ${NOW_MS})`;
        const counter = await client.query<{ last_seq: string }>(
          `INSERT INTO ${n.sessions} AS s (session_id, last_seq, expires_at)
           VALUES ($1, 1, CASE WHEN $2::bigint IS NULL THEN NULL ELSE ${NOW_MS} + $2::bigint END)
           ON CONFLICT (session_id) DO UPDATE SET
             last_seq = CASE WHEN ${expired} THEN 1 ELSE s.last_seq + 1 END,
             summary = CASE WHEN ${expired} THEN NULL ELSE s.summary END,
             summary_through_seq = CASE WHEN ${expired} THEN NULL ELSE s.summary_through_seq END,
             summary_updated_at = CASE WHEN ${expired} THEN NULL ELSE s.summary_updated_at END,
             expires_at = EXCLUDED.expires_at
           RETURNING last_seq`,
          [sessionId, this.#ttlMs ?? null],
        );
        const seq = Number(counter.rows[0]?.last_seq);
        // seq 1 starts a session (new, cleared or expired): leftovers of an expired one go first.
        if (seq === 1) await client.query(`DELETE FROM ${n.turns} WHERE session_id = $1`, [sessionId]);
        const inserted = await client.query<{ created_at: string }>(
          `INSERT INTO ${n.turns} (session_id, seq, id, inputs, outputs, metadata, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, ${NOW_MS}) RETURNING created_at`,
          [sessionId, seq, id, json.inputs, json.outputs, json.metadata ?? null],
        );
        if (this.#maxTurns !== undefined && seq > this.#maxTurns) {
          await client.query(`DELETE FROM ${n.turns} WHERE session_id = $1 AND seq <= $2`, [sessionId, seq - this.#maxTurns]);
        }
        return { seq, createdAt: Number(inserted.rows[0]?.created_at) };
      }),
    );
    await this.#sweep(pool, options?.signal);
    const stored: Turn = {
      id,
      sessionId,
      seq: row.seq,
      inputs: JSON.parse(json.inputs) as JsonObject,
      outputs: JSON.parse(json.outputs) as JsonObject,
      createdAt: row.createdAt,
    };
    if (json.metadata !== undefined) stored.metadata = JSON.parse(json.metadata) as JsonObject;
    return stored;
  }

  async clearAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<void> {
    validateSessionId(sessionId, BACKEND);
    throwIfAborted(options?.signal);
    const pool = await this.#ready(options?.signal);
    const n = this.#names;
    await this.#call(
      "clear",
      this.#transaction(pool, options?.signal, async (client) => {
        // The session row first: its lock makes a concurrent append wait, then start over at seq 1.
        await client.query(`DELETE FROM ${n.sessions} WHERE session_id = $1`, [sessionId]);
        await client.query(`DELETE FROM ${n.turns} WHERE session_id = $1`, [sessionId]);
      }),
    );
  }

  async loadSummaryAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<SessionSummary | undefined> {
    validateSessionId(sessionId, BACKEND);
    throwIfAborted(options?.signal);
    const pool = await this.#ready(options?.signal);
    const result = await this.#call(
      "loadSummary",
      withPooledClient(pool, options?.signal, ({ client }) =>
        client.query<{ summary: string; summary_through_seq: string; summary_updated_at: string }>(
          `SELECT summary, summary_through_seq, summary_updated_at FROM ${this.#names.sessions}
           WHERE session_id = $1 AND summary IS NOT NULL AND (expires_at IS NULL OR expires_at > ${NOW_MS})`,
          [sessionId],
        ),
      ),
    );
    const row = result.rows[0];
    return row
      ? { text: row.summary, throughSeq: Number(row.summary_through_seq), updatedAt: Number(row.summary_updated_at) }
      : undefined;
  }

  async saveSummaryAsync(sessionId: string, summary: NewSessionSummary, options?: { signal?: AbortSignal }): Promise<void> {
    validateSessionId(sessionId, BACKEND);
    if (typeof summary?.text !== "string" || !Number.isSafeInteger(summary.throughSeq) || summary.throughSeq < 0) {
      throw new MemoryError("invalid_turn", "A summary must be { text: string, throughSeq: integer >= 0 }.", {
        backend: BACKEND,
      });
    }
    throwIfAborted(options?.signal);
    const pool = await this.#ready(options?.signal);
    const n = this.#names;
    await this.#call(
      "saveSummary",
      withPooledClient(pool, options?.signal, ({ client }) =>
        client.query(
          `INSERT INTO ${n.sessions} AS s (session_id, expires_at, summary, summary_through_seq, summary_updated_at)
         VALUES ($1, CASE WHEN $2::bigint IS NULL THEN NULL ELSE ${NOW_MS} + $2::bigint END, $3, $4, ${NOW_MS})
         ON CONFLICT (session_id) DO UPDATE SET
           summary = EXCLUDED.summary,
           summary_through_seq = EXCLUDED.summary_through_seq,
           summary_updated_at = EXCLUDED.summary_updated_at,
           expires_at = EXCLUDED.expires_at
         WHERE s.summary_through_seq IS NULL OR s.summary_through_seq < EXCLUDED.summary_through_seq`,
          [sessionId, this.#ttlMs ?? null, summary.text, summary.throughSeq],
        ),
      ),
    );
  }

  /** Drops this memory's three tables (turns, sessions, migrations), e.g. after tests. The next call migrates again. */
  async dropTablesAsync(): Promise<void> {
    const pool = await this.#getPool(undefined);
    const n = this.#names;
    await this.#call("dropTables", pool.query(`DROP TABLE IF EXISTS ${n.turns}, ${n.sessions}, ${n.migrations}`));
    this.#migrated = undefined;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pending = this.#creating;
    const pool = this.#pool ?? (pending ? await pending.catch(() => undefined) : undefined);
    this.#pool = undefined;
    if (pool && this.#ownsPool) await pool.end();
  }

  async #ready(signal: AbortSignal | undefined): Promise<Pool> {
    const pool = await this.#getPool(signal);
    await this.migrate({ signal });
    return pool;
  }

  async #getPool(signal: AbortSignal | undefined): Promise<Pool> {
    if (this.#closed) throw new MemoryClosedError(BACKEND);
    if (this.#pool) return this.#pool;
    this.#creating ??= this.#createPool().finally(() => {
      this.#creating = undefined;
    });
    return raceAbort(this.#creating, signal);
  }

  async #createPool(): Promise<Pool> {
    const PoolCtor = await loadPg();
    const pool = new PoolCtor({
      connectionString: withDefaultUser(this.#connectionString),
      connectionTimeoutMillis: this.#connectTimeoutMs,
      ...this.#poolOptions,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on("error", () => undefined);
    if (this.#closed) {
      await pool.end();
      throw new MemoryClosedError(BACKEND);
    }
    this.#pool = pool;
    return pool;
  }

  async #runMigrations(pool: Pool): Promise<number[]> {
    const n = this.#names;
    const applied: number[] = [];
    try {
      await withPooledClient(pool, undefined, async ({ client, discard }) => {
        await client.query("SELECT pg_advisory_lock(hashtext($1))", [n.lockKey]);
        try {
          await client.query(`CREATE SCHEMA IF NOT EXISTS ${n.schema}`);
          await client.query(
            `CREATE TABLE IF NOT EXISTS ${n.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
          );
          const done = await client.query<{ version: number }>(`SELECT version FROM ${n.migrations}`);
          const have = new Set(done.rows.map((r) => r.version));
          for (const migration of POSTGRES_MIGRATIONS) {
            if (have.has(migration.version)) continue;
            await client.query("BEGIN");
            try {
              await client.query(migration.sql(n));
              await client.query(`INSERT INTO ${n.migrations} (version, name) VALUES ($1, $2)`, [
                migration.version,
                migration.name,
              ]);
              await client.query("COMMIT");
            } catch (err) {
              await client.query("ROLLBACK").catch(discard);
              throw err;
            }
            applied.push(migration.version);
          }
        } catch (err) {
          // The session-level advisory lock dies with the connection: never hand it back to the pool.
          discard();
          throw err;
        }
        await client.query("SELECT pg_advisory_unlock(hashtext($1))", [n.lockKey]);
      });
    } catch (err) {
      throw this.#wrap("migrate", err);
    }
    return applied;
  }

  async #transaction<T>(pool: Pool, signal: AbortSignal | undefined, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    return withPooledClient(pool, signal, async ({ client, discard }) => {
      await client.query("BEGIN");
      try {
        const result = await fn(client);
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(discard);
        throw err;
      }
    });
  }

  /** Deletes sessions whose TTL ran out, at most once a minute per instance; housekeeping only. */
  async #sweep(pool: Pool, signal: AbortSignal | undefined): Promise<void> {
    const now = Date.now();
    if (now - this.#lastSweep < Math.min(SWEEP_INTERVAL_MS, this.#ttlMs ?? SWEEP_INTERVAL_MS)) return;
    this.#lastSweep = now;
    const n = this.#names;
    try {
      await this.#transaction(pool, signal, async (client) => {
        await client.query(
          `DELETE FROM ${n.turns} t USING ${n.sessions} s WHERE t.session_id = s.session_id AND s.expires_at <= ${NOW_MS}`,
        );
        await client.query(`DELETE FROM ${n.sessions} WHERE expires_at <= ${NOW_MS}`);
      });
    } catch {
      // Expired sessions are already invisible to load; the next sweep retries the deletion.
    }
  }

  async #call<T>(what: string, promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (err) {
      throw this.#wrap(what, err);
    }
  }

  #wrap(what: string, err: unknown): Error {
    if (err instanceof MemoryError) return err;
    const secrets = passwordOf(this.#connectionString);
    if (isConnectionFailure(err)) {
      const target = this.#ownsPool ? redactConnectionString(this.#connectionString) : "the pool passed in";
      const detail = err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err);
      return new MemoryConnectionError(
        `postgres memory: ${what} failed, cannot reach Postgres at ${target}: ${detail}. ` +
          `Fix: start Postgres or point connectionString / DATABASE_URL at it (e.g. postgres://user@127.0.0.1:5432/db).`,
        { backend: BACKEND, cause: err, target: this.#ownsPool ? this.#connectionString : undefined, secrets },
      );
    }
    return toMemoryError(err, BACKEND, what, secrets);
  }
}

/**
 * Like psql, a URL without a user connects as the OS user. pg falls back to $USER, which is unset
 * in many containers and services, and the server then answers "no PostgreSQL user name specified".
 */
function withDefaultUser(connectionString: string): string {
  if (process.env["PGUSER"] || process.env["USER"]) return connectionString;
  try {
    const url = new URL(connectionString);
    if (url.username || url.searchParams.has("user")) return connectionString;
    url.username = encodeURIComponent(userInfo().username);
    return url.toString();
  } catch {
    return connectionString;
  }
}

function toTurn(sessionId: string, row: TurnRow): Turn {
  const turn: Turn = {
    id: row.id,
    sessionId,
    seq: Number(row.seq),
    inputs: row.inputs,
    outputs: row.outputs,
    createdAt: Number(row.created_at),
  };
  if (row.metadata !== null) turn.metadata = row.metadata;
  return turn;
}

function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") {
    if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|EAI_AGAIN)$/.test(code)) return true;
    // SQLSTATE class 08: connection exception; 28: invalid authorization; 3D000: no such database; 57P0x: server shutting down.
    if (/^(08|28)/.test(code) || code === "3D000" || /^57P0/.test(code)) return true;
  }
  if ((err as { errors?: unknown }).errors !== undefined && err.name === "AggregateError") return true;
  // "not queryable": pg's answer to a query on a client whose connection dropped after its last one
  // (e.g. between a transaction's statements); the drop itself went to the client's 'error' event.
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|not queryable/i.test(err.message);
}
