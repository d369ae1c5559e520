// In-process and embedded backends answer synchronously; their async API is the sync one behind
// an abort check. Written once here so every such backend offers both with the same semantics.
import { throwIfAborted } from "./shared.js";
import type { LoadOptions, Memory, MemoryContext, NewSessionSummary, NewTurn, SessionSummary, Turn } from "./types.js";

export abstract class SyncBackedMemory implements Memory {
  abstract readonly kind: string;
  abstract load(sessionId: string, options?: Omit<LoadOptions, "signal">): MemoryContext;
  abstract append(sessionId: string, turn: NewTurn): Turn;
  abstract clear(sessionId: string): void;
  abstract loadSummary(sessionId: string): SessionSummary | undefined;
  abstract saveSummary(sessionId: string, summary: NewSessionSummary): void;
  abstract close(): Promise<void>;

  async loadAsync(sessionId: string, options?: LoadOptions): Promise<MemoryContext> {
    throwIfAborted(options?.signal);
    return this.load(sessionId, options);
  }

  async appendAsync(sessionId: string, turn: NewTurn, options?: { signal?: AbortSignal }): Promise<Turn> {
    throwIfAborted(options?.signal);
    return this.append(sessionId, turn);
  }

  async clearAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<void> {
    throwIfAborted(options?.signal);
    this.clear(sessionId);
  }

  async loadSummaryAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<SessionSummary | undefined> {
    throwIfAborted(options?.signal);
    return this.loadSummary(sessionId);
  }

  async saveSummaryAsync(sessionId: string, summary: NewSessionSummary, options?: { signal?: AbortSignal }): Promise<void> {
    throwIfAborted(options?.signal);
    this.saveSummary(sessionId, summary);
  }
}
