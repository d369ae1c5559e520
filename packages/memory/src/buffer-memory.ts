// In-process memory: a Map per instance. Turns are stored as JSON text and parsed on the way out,
// so callers can never mutate what is stored, and the data behaves exactly as in the other
// backends (a Date becomes a string, undefined fields vanish).
import { randomUUID } from "node:crypto";
import { MemoryClosedError } from "./errors.js";
import { validateSessionId } from "./session-id.js";
import { SyncBackedMemory } from "./sync-backed-memory.js";
import { buildTurn, checkLoadOptions, checkRetention, selectLatest, serializeTurn } from "./shared.js";
import type { LoadOptions, MemoryContext, NewSessionSummary, NewTurn, RetentionOptions, SessionSummary, Turn } from "./types.js";

export type BufferMemoryOptions = RetentionOptions;

interface StoredTurn {
  id: string;
  seq: number;
  inputs: string;
  outputs: string;
  metadata: string | undefined;
  createdAt: number;
}

interface Session {
  turns: StoredTurn[];
  lastSeq: number;
  expiresAt: number | undefined;
  summary: SessionSummary | undefined;
}

const BACKEND = "buffer";

/** Keeps sessions in this process only: fast, lost on exit. Sync and async. */
export class BufferMemory extends SyncBackedMemory {
  readonly kind = BACKEND;
  readonly #maxTurns: number | undefined;
  readonly #ttlMs: number | undefined;
  readonly #sessions = new Map<string, Session>();
  #closed = false;
  #lastSweep = 0;

  constructor(options: BufferMemoryOptions = {}) {
    super();
    const { maxTurns, ttlMs } = checkRetention(options, BACKEND);
    this.#maxTurns = maxTurns;
    this.#ttlMs = ttlMs;
  }

  load(sessionId: string, options?: Omit<LoadOptions, "signal">): MemoryContext {
    this.#open();
    validateSessionId(sessionId, BACKEND);
    const { maxTurns, maxTokens } = checkLoadOptions(options, BACKEND);
    const session = this.#live(sessionId);
    if (!session) return { turns: [] };
    const turns = session.turns.map((t) => buildTurn(sessionId, t));
    const context: MemoryContext = { turns: selectLatest(turns, maxTurns, maxTokens) };
    if (session.summary) context.summary = session.summary.text;
    return context;
  }

  append(sessionId: string, turn: NewTurn): Turn {
    this.#open();
    validateSessionId(sessionId, BACKEND);
    const json = serializeTurn(turn, BACKEND);
    let session = this.#live(sessionId);
    if (!session) {
      session = { turns: [], lastSeq: 0, expiresAt: undefined, summary: undefined };
      this.#sessions.set(sessionId, session);
    }
    const now = Date.now();
    const stored: StoredTurn = { id: randomUUID(), seq: session.lastSeq + 1, ...json, createdAt: now };
    session.lastSeq = stored.seq;
    session.turns.push(stored);
    if (this.#maxTurns !== undefined && session.turns.length > this.#maxTurns) {
      session.turns.splice(0, session.turns.length - this.#maxTurns);
    }
    session.expiresAt = this.#ttlMs === undefined ? undefined : now + this.#ttlMs;
    this.#sweep(now);
    return buildTurn(sessionId, stored);
  }

  clear(sessionId: string): void {
    this.#open();
    validateSessionId(sessionId, BACKEND);
    this.#sessions.delete(sessionId);
  }

  loadSummary(sessionId: string): SessionSummary | undefined {
    this.#open();
    validateSessionId(sessionId, BACKEND);
    const summary = this.#live(sessionId)?.summary;
    return summary ? { ...summary } : undefined;
  }

  saveSummary(sessionId: string, summary: NewSessionSummary): void {
    this.#open();
    validateSessionId(sessionId, BACKEND);
    let session = this.#live(sessionId);
    if (!session) {
      session = {
        turns: [],
        lastSeq: 0,
        expiresAt: this.#ttlMs === undefined ? undefined : Date.now() + this.#ttlMs,
        summary: undefined,
      };
      this.#sessions.set(sessionId, session);
    }
    if (session.summary && session.summary.throughSeq >= summary.throughSeq) return;
    session.summary = { text: summary.text, throughSeq: summary.throughSeq, updatedAt: Date.now() };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#sessions.clear();
  }

  /** The session, or undefined when it never existed or its TTL ran out (then it is dropped). */
  #live(sessionId: string): Session | undefined {
    const session = this.#sessions.get(sessionId);
    if (session?.expiresAt !== undefined && session.expiresAt <= Date.now()) {
      this.#sessions.delete(sessionId);
      return undefined;
    }
    return session;
  }

  /** Drops expired sessions nobody reads any more, at most once per TTL period, so they do not pile up. */
  #sweep(now: number): void {
    if (this.#ttlMs === undefined || now - this.#lastSweep < this.#ttlMs) return;
    this.#lastSweep = now;
    for (const [id, session] of this.#sessions) {
      if (session.expiresAt !== undefined && session.expiresAt <= now) this.#sessions.delete(id);
    }
  }

  #open(): void {
    if (this.#closed) throw new MemoryClosedError(BACKEND);
  }
}
