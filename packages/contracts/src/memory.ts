// The memory contract (implemented by @kaizen/memory and by users' own backends): conversation turns keyed by session id. Every backend offers the async
// calls; backends that can answer without I/O on another thread (in-process, SQLite) also
// offer the synchronous ones, which the blocking `run()` uses.

import type { ChatMessage } from "./provider.js";

export type JsonObject = Record<string, unknown>;

/**
 * The messages of one turn between its user message and its final answer: each assistant reply
 * that called tools (`toolCalls`) and each tool result (`role: "tool"`, `toolCallId`). An agent
 * that used tools stores them as `metadata.exchange` when the turn completes, so the next turn of
 * the session sees them; every backend keeps them as it keeps any metadata (JSON, round-tripped).
 */
export type TurnExchange = ChatMessage[];

/** The metadata keys Kaizen itself writes; any other key is the caller's. */
export interface KaizenTurnMetadata {
  model?: string;
  attempts?: number;
  exchange?: TurnExchange;
}

/** One exchange: what the user sent and what the agent answered. */
export interface Turn {
  /** Stable, unique id (a UUID unless the backend documents otherwise). */
  id: string;
  sessionId: string;
  /** 1-based position within the session; total and stable order. */
  seq: number;
  inputs: JsonObject;
  outputs: JsonObject;
  /** Milliseconds since the epoch, when the turn was appended. */
  createdAt: number;
  /** Free-form JSON; see `KaizenTurnMetadata` for the keys Kaizen writes (`exchange`: the turn's tool calls and results). */
  metadata?: JsonObject;
}

/** What a caller appends; the backend assigns id, seq and createdAt. */
export interface NewTurn {
  inputs: JsonObject;
  outputs: JsonObject;
  metadata?: JsonObject;
}

export interface LoadOptions {
  /** At most this many of the latest turns. */
  maxTurns?: number;
  /** At most this many tokens' worth of the latest turns (estimated at ~4 characters a token). */
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface MemoryContext {
  /** Oldest first. */
  turns: Turn[];
  /** A summary of turns that were folded away, where the backend keeps one. */
  summary?: string;
}

export interface Memory {
  /** A short name for errors and logs, e.g. "sqlite". */
  readonly kind: string;
  loadAsync(sessionId: string, options?: LoadOptions): Promise<MemoryContext>;
  appendAsync(sessionId: string, turn: NewTurn, options?: { signal?: AbortSignal }): Promise<Turn>;
  clearAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Synchronous versions, present only on backends that can block cheaply (buffer, SQLite). */
  load?(sessionId: string, options?: Omit<LoadOptions, "signal">): MemoryContext;
  /**
   * Optional: throws (a typed MemoryError) when a turn could not be written to the session now,
   * e.g. another process holds the database's write lock past the busy timeout. The agent calls
   * it after loading and before the model call, so a turn that could not be saved is not paid
   * for. A backend that cannot know ahead (a network store) leaves it out.
   */
  checkWritableAsync?(sessionId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** The sync form of checkWritableAsync, for run(). */
  checkWritable?(sessionId: string): void;
  append?(sessionId: string, turn: NewTurn): Turn;
  clear?(sessionId: string): void;
  /** Releases connections and file handles. Idempotent. */
  close(): Promise<void>;
  /**
   * Optional summary storage, used by `SummaryMemory` to persist what it folded away. Every
   * built-in backend implements it; `loadAsync` then also returns the summary in
   * `MemoryContext.summary`. A summary lives and dies with its session (clear, TTL).
   */
  loadSummaryAsync?(sessionId: string, options?: { signal?: AbortSignal }): Promise<SessionSummary | undefined>;
  /** Stores the summary unless the stored one already covers more turns (a higher `throughSeq`). */
  saveSummaryAsync?(sessionId: string, summary: NewSessionSummary, options?: { signal?: AbortSignal }): Promise<void>;
  loadSummary?(sessionId: string): SessionSummary | undefined;
  saveSummary?(sessionId: string, summary: NewSessionSummary): void;
}

/** What `SummaryMemory` folded away: the text and the last turn it covers. */
export interface SessionSummary {
  text: string;
  /** Every turn with `seq <= throughSeq` is represented by `text`. */
  throughSeq: number;
  /** Milliseconds since the epoch, when the summary was saved. */
  updatedAt: number;
}

export type NewSessionSummary = Omit<SessionSummary, "updatedAt">;
