// The embedded default: one SQLite file, WAL, a busy timeout, versioned migrations.
//
// Durability: every append is its own IMMEDIATE transaction, committed before append() returns.
// With WAL, a committed transaction is in the -wal file when the call returns, so a process killed
// with SIGKILL loses nothing it acknowledged, whatever `synchronous` says. `synchronous` only matters
// for an OS crash or power loss: "FULL" (the default) fsyncs the WAL on every commit and loses
// nothing; "NORMAL" is faster and may lose the last commits on power loss (never corrupting the file).
//
// The async methods run the sync statements in place: for an embedded database a statement takes
// microseconds, and moving it to a worker would cost more than it saves. While another process
// holds the write lock they wait on timers (sqlite-busy.ts), up to `busyTimeoutMs`, so the event
// loop keeps serving; the sync methods wait in the thread, as everything in run() does.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { loadBetterSqlite3 } from "./drivers.js";
import { MemoryBusyError, MemoryClosedError, MemoryError, MemoryOptionsError, toMemoryError } from "./errors.js";
import { validateSessionId } from "./session-id.js";
import { SyncBackedMemory } from "./sync-backed-memory.js";
import { isBusy, retryBusy, retryBusySync } from "./sqlite-busy.js";
import { buildTurn, checkLoadOptions, checkRetention, estimateTurnTokens, serializeTurn } from "./shared.js";
import { migrateSqlite } from "./sqlite-migrate.js";
import type { LoadOptions, MemoryContext, NewSessionSummary, NewTurn, RetentionOptions, SessionSummary, Turn } from "./types.js";

export interface SqliteMemoryOptions extends RetentionOptions {
  /** The database file; its directory is created. Default ".kaizen/memory.db" (relative to the working directory). ":memory:" for a private in-memory database. */
  path?: string;
  /** How long a write waits for another process's write lock before failing with MemoryBusyError. Default 5000. */
  busyTimeoutMs?: number;
  /** "FULL" (default): nothing acknowledged is lost even on power loss. "NORMAL": faster; survives process crashes, may lose the last commits on power loss. */
  synchronous?: "FULL" | "NORMAL";
}

const BACKEND = "sqlite";
/** How often an append also deletes other sessions whose TTL ran out. */
const SWEEP_INTERVAL_MS = 60_000;

interface TurnRow {
  id: string;
  seq: number;
  inputs: string;
  outputs: string;
  metadata: string | null;
  created_at: number;
}

interface SessionRow {
  expires_at: number | null;
  summary: string | null;
  summary_through_seq: number | null;
  summary_updated_at: number | null;
}

/** A session store in one SQLite file (better-sqlite3). Sync and async; safe across processes sharing the file. */
export class SqliteMemory extends SyncBackedMemory {
  readonly kind = BACKEND;
  /** The absolute path of the database file (or ":memory:"). */
  readonly path: string;
  readonly #maxTurns: number | undefined;
  readonly #ttlMs: number | undefined;
  readonly #busyTimeoutMs: number;
  #db: BetterSqlite3.Database | undefined;
  #lastSweep = 0;
  readonly #stmts: ReturnType<typeof prepare>;
  readonly #appendTx: (sessionId: string, json: ReturnType<typeof serializeTurn>, now: number) => StoredRow;
  readonly #clearTx: (sessionId: string) => void;
  readonly #saveSummaryTx: (sessionId: string, summary: NewSessionSummary, now: number) => void;
  readonly #loadTx: (sessionId: string, maxTurns: number | undefined, maxTokens: number | undefined) => MemoryContext;
  #probeTx: BetterSqlite3.Transaction<() => undefined> | undefined;

  constructor(options: SqliteMemoryOptions = {}) {
    super();
    const { maxTurns, ttlMs } = checkRetention(options, BACKEND);
    this.#maxTurns = maxTurns;
    this.#ttlMs = ttlMs;
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new MemoryOptionsError(
        "busyTimeoutMs",
        `busyTimeoutMs must be an integer >= 0, got ${String(options.busyTimeoutMs)}.`,
        BACKEND,
      );
    }
    this.#busyTimeoutMs = busyTimeoutMs;
    const synchronous = options.synchronous ?? "FULL";
    if (synchronous !== "FULL" && synchronous !== "NORMAL") {
      throw new MemoryOptionsError(
        "synchronous",
        `synchronous must be "FULL" or "NORMAL", got ${JSON.stringify(synchronous)}.`,
        BACKEND,
      );
    }
    const path = options.path ?? ".kaizen/memory.db";
    this.path = path === ":memory:" ? path : resolve(path);
    try {
      if (path !== ":memory:") mkdirSync(dirname(this.path), { recursive: true });
      const Database = loadBetterSqlite3();
      const db = new Database(this.path, { timeout: busyTimeoutMs });
      this.#db = db;
      // Switching to WAL and migrating can meet SQLITE_BUSY without SQLite's busy handler ever
      // running (it skips it where waiting could deadlock, e.g. while another connection holds a
      // write lock on a fresh file: two processes opening one new file at once): try again.
      retryBusySync(() => {
        db.pragma("journal_mode = WAL");
        db.pragma(`synchronous = ${synchronous}`);
        migrateSqlite(db);
      }, busyTimeoutMs);
      // Opening may wait in SQLite's own busy handler (it is synchronous anyway); from here on a
      // lock fails at once and sqlite-busy.ts waits, on timers in the async methods.
      db.pragma("busy_timeout = 0");
    } catch (err) {
      this.#db?.close();
      this.#db = undefined;
      throw this.#wrap(
        err,
        "open",
        `Fix: check that ${dirname(this.path)} exists or can be created and is writable, and that the file is a SQLite database; or pass another path.`,
      );
    }
    const db = this.#db;
    const stmts = prepare(db);
    this.#stmts = stmts;

    const appendTx = db.transaction((sessionId: string, json: ReturnType<typeof serializeTurn>, now: number): StoredRow => {
      this.#dropIfExpired(sessionId, now);
      this.#sweep(now);
      // Inside an IMMEDIATE transaction nobody else can write, so max(seq) + 1 is this turn's alone.
      const { last } = stmts.lastSeq.get(sessionId) as { last: number };
      const row: StoredRow = { id: randomUUID(), seq: last + 1, ...json, createdAt: now };
      stmts.insertTurn.run(sessionId, row.seq, row.id, row.inputs, row.outputs, row.metadata ?? null, row.createdAt);
      if (this.#maxTurns !== undefined) stmts.deleteBefore.run(sessionId, row.seq - this.#maxTurns + 1);
      stmts.touchSession.run(sessionId, this.#ttlMs === undefined ? null : now + this.#ttlMs);
      return row;
    });
    this.#appendTx = (...args) => appendTx.immediate(...args);

    const clearTx = db.transaction((sessionId: string) => {
      stmts.deleteTurns.run(sessionId);
      stmts.deleteSession.run(sessionId);
    });
    this.#clearTx = (sessionId) => clearTx.immediate(sessionId);

    const saveSummaryTx = db.transaction((sessionId: string, summary: NewSessionSummary, now: number) => {
      this.#dropIfExpired(sessionId, now);
      stmts.saveSummary.run(
        sessionId,
        this.#ttlMs === undefined ? null : now + this.#ttlMs,
        summary.text,
        summary.throughSeq,
        now,
      );
    });
    this.#saveSummaryTx = (...args) => saveSummaryTx.immediate(...args);

    // A deferred transaction gives load one consistent snapshot of the session row and its turns.
    // Made once: a transaction wrapper per load cost about as much CPU as the load's own reads.
    this.#loadTx = db.transaction((sessionId: string, maxTurns: number | undefined, maxTokens: number | undefined) =>
      this.#read(sessionId, maxTurns, maxTokens),
    ).deferred;
  }

  load(sessionId: string, options?: Omit<LoadOptions, "signal">): MemoryContext {
    return this.#sync("load", () => this.#load(sessionId, options));
  }

  override loadAsync(sessionId: string, options?: LoadOptions): Promise<MemoryContext> {
    return this.#async("load", () => this.#load(sessionId, options), options?.signal);
  }

  append(sessionId: string, turn: NewTurn): Turn {
    return this.#sync("append", () => this.#append(sessionId, turn));
  }

  override appendAsync(sessionId: string, turn: NewTurn, options?: { signal?: AbortSignal }): Promise<Turn> {
    return this.#async("append", () => this.#append(sessionId, turn), options?.signal);
  }

  clear(sessionId: string): void {
    this.#sync("clear", () => this.#clear(sessionId));
  }

  override clearAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<void> {
    return this.#async("clear", () => this.#clear(sessionId), options?.signal);
  }

  loadSummary(sessionId: string): SessionSummary | undefined {
    return this.#sync("loadSummary", () => this.#loadSummary(sessionId));
  }

  override loadSummaryAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<SessionSummary | undefined> {
    return this.#async("loadSummary", () => this.#loadSummary(sessionId), options?.signal);
  }

  saveSummary(sessionId: string, summary: NewSessionSummary): void {
    this.#sync("saveSummary", () => this.#saveSummary(sessionId, summary));
  }

  override saveSummaryAsync(sessionId: string, summary: NewSessionSummary, options?: { signal?: AbortSignal }): Promise<void> {
    return this.#async("saveSummary", () => this.#saveSummary(sessionId, summary), options?.signal);
  }

  /**
   * Takes the write lock and lets it go (BEGIN IMMEDIATE; ROLLBACK), waiting up to busyTimeoutMs:
   * the agent calls it before the model, so a turn that could not be saved is not paid for.
   */
  checkWritable(sessionId: string): void {
    this.#sync("checkWritable", () => this.#checkWritable(sessionId));
  }

  checkWritableAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<void> {
    return this.#async("checkWritable", () => this.#checkWritable(sessionId), options?.signal);
  }

  #checkWritable(sessionId: string): void {
    const db = this.#open();
    validateSessionId(sessionId, BACKEND);
    this.#probeTx ??= db.transaction(() => undefined);
    this.#probeTx.immediate();
  }

  #sync<T>(what: string, fn: () => T): T {
    try {
      return retryBusySync(fn, this.#busyTimeoutMs);
    } catch (err) {
      throw this.#wrap(err, what);
    }
  }

  async #async<T>(what: string, fn: () => T, signal: AbortSignal | undefined): Promise<T> {
    try {
      return await retryBusy(fn, this.#busyTimeoutMs, signal);
    } catch (err) {
      throw this.#wrap(err, what);
    }
  }

  #load(sessionId: string, options: Omit<LoadOptions, "signal"> | undefined): MemoryContext {
    this.#open();
    validateSessionId(sessionId, BACKEND);
    const { maxTurns, maxTokens } = checkLoadOptions(options, BACKEND);
    return this.#loadTx(sessionId, maxTurns, maxTokens);
  }

  #read(sessionId: string, maxTurns: number | undefined, maxTokens: number | undefined): MemoryContext {
    const now = Date.now();
    const session = this.#stmts.getSession.get(sessionId) as SessionRow | undefined;
    if (session?.expires_at != null && session.expires_at <= now) return { turns: [] };
    const turns: Turn[] = [];
    if (maxTurns !== 0) {
      let budget = maxTokens ?? Number.POSITIVE_INFINITY;
      // Newest first, so a token budget can stop early without reading the whole session.
      for (const row of this.#stmts.latestTurns.iterate(sessionId, maxTurns ?? -1) as IterableIterator<TurnRow>) {
        const turn = buildTurn(sessionId, { ...row, createdAt: row.created_at });
        if (maxTokens !== undefined) {
          const cost = estimateTurnTokens(turn);
          if (cost > budget) break;
          budget -= cost;
        }
        turns.push(turn);
      }
      turns.reverse();
    }
    const context: MemoryContext = { turns };
    if (session?.summary != null) context.summary = session.summary;
    return context;
  }

  #append(sessionId: string, turn: NewTurn): Turn {
    this.#open();
    validateSessionId(sessionId, BACKEND);
    const json = serializeTurn(turn, BACKEND);
    return buildTurn(sessionId, this.#appendTx(sessionId, json, Date.now()));
  }

  #clear(sessionId: string): void {
    this.#open();
    validateSessionId(sessionId, BACKEND);
    this.#clearTx(sessionId);
  }

  #loadSummary(sessionId: string): SessionSummary | undefined {
    this.#open();
    validateSessionId(sessionId, BACKEND);
    const session = this.#stmts.getSession.get(sessionId) as SessionRow | undefined;
    if (!session || session.summary === null || (session.expires_at !== null && session.expires_at <= Date.now()))
      return undefined;
    return { text: session.summary, throughSeq: session.summary_through_seq ?? 0, updatedAt: session.summary_updated_at ?? 0 };
  }

  #saveSummary(sessionId: string, summary: NewSessionSummary): void {
    this.#open();
    validateSessionId(sessionId, BACKEND);
    checkSummary(summary);
    this.#saveSummaryTx(sessionId, summary, Date.now());
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    db?.close();
  }

  /** A session whose TTL ran out is gone: its turns and summary are deleted and its seq starts again at 1. */
  #dropIfExpired(sessionId: string, now: number): void {
    const session = this.#stmts.getSession.get(sessionId) as SessionRow | undefined;
    if (session?.expires_at != null && session.expires_at <= now) {
      this.#stmts.deleteTurns.run(sessionId);
      this.#stmts.deleteSession.run(sessionId);
    }
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < Math.min(SWEEP_INTERVAL_MS, this.#ttlMs ?? SWEEP_INTERVAL_MS)) return;
    this.#lastSweep = now;
    this.#stmts.sweepTurns.run(now);
    this.#stmts.sweepSessions.run(now);
  }

  #open(): BetterSqlite3.Database {
    if (!this.#db) throw new MemoryClosedError(BACKEND);
    return this.#db;
  }

  #wrap(err: unknown, what: string, fix?: string): Error {
    const code = (err as { code?: unknown } | null)?.code;
    if (isBusy(err)) {
      return new MemoryBusyError(
        `sqlite memory: ${what} on ${this.path} waited ${this.#busyTimeoutMs} ms for another writer's lock and gave up (${code}). ` +
          `Fix: raise busyTimeoutMs, or look for a process holding a long write transaction on this file.`,
        { backend: BACKEND, cause: err },
      );
    }
    const wrapped = toMemoryError(err, BACKEND, `${what} on ${this.path}`);
    if (fix === undefined || !(wrapped instanceof MemoryError) || wrapped.code !== "backend_error") return wrapped;
    return new MemoryError("backend_error", `${wrapped.message.replace(/[.\s]+$/, "")}. ${fix}`, {
      backend: BACKEND,
      cause: err,
    });
  }
}

interface StoredRow {
  id: string;
  seq: number;
  inputs: string;
  outputs: string;
  metadata: string | undefined;
  createdAt: number;
}

function checkSummary(summary: NewSessionSummary): void {
  if (typeof summary?.text !== "string" || !Number.isSafeInteger(summary.throughSeq) || summary.throughSeq < 0) {
    throw new MemoryError("invalid_turn", "A summary must be { text: string, throughSeq: integer >= 0 }.", { backend: BACKEND });
  }
}

function prepare(db: BetterSqlite3.Database) {
  return {
    getSession: db.prepare(
      "SELECT expires_at, summary, summary_through_seq, summary_updated_at FROM kaizen_sessions WHERE session_id = ?",
    ),
    lastSeq: db.prepare("SELECT coalesce(max(seq), 0) AS last FROM kaizen_turns WHERE session_id = ?"),
    insertTurn: db.prepare(
      "INSERT INTO kaizen_turns (session_id, seq, id, inputs, outputs, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    deleteBefore: db.prepare("DELETE FROM kaizen_turns WHERE session_id = ? AND seq < ?"),
    touchSession: db.prepare(
      "INSERT INTO kaizen_sessions (session_id, expires_at) VALUES (?, ?) ON CONFLICT (session_id) DO UPDATE SET expires_at = excluded.expires_at",
    ),
    latestTurns: db.prepare(
      "SELECT id, seq, inputs, outputs, metadata, created_at FROM kaizen_turns WHERE session_id = ? ORDER BY seq DESC LIMIT ?",
    ),
    deleteTurns: db.prepare("DELETE FROM kaizen_turns WHERE session_id = ?"),
    deleteSession: db.prepare("DELETE FROM kaizen_sessions WHERE session_id = ?"),
    saveSummary: db.prepare(
      `INSERT INTO kaizen_sessions (session_id, expires_at, summary, summary_through_seq, summary_updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET
         expires_at = excluded.expires_at,
         summary = excluded.summary,
         summary_through_seq = excluded.summary_through_seq,
         summary_updated_at = excluded.summary_updated_at
       WHERE kaizen_sessions.summary_through_seq IS NULL OR kaizen_sessions.summary_through_seq < excluded.summary_through_seq`,
    ),
    sweepTurns: db.prepare(
      "DELETE FROM kaizen_turns WHERE session_id IN (SELECT session_id FROM kaizen_sessions WHERE expires_at <= ?)",
    ),
    sweepSessions: db.prepare("DELETE FROM kaizen_sessions WHERE expires_at <= ?"),
  };
}
