// The memory contract lives in @kaizen/contracts (so core, testing and users' own backends share
// it without depending on this package); the backends' shared options live here.
export type {
  JsonObject,
  LoadOptions,
  Memory,
  MemoryContext,
  NewSessionSummary,
  NewTurn,
  SessionSummary,
  Turn,
} from "@kaizen/contracts";

/** Retention shared by the backends. */
export interface RetentionOptions {
  /** Keep at most this many turns per session; older ones are dropped on append. */
  maxTurns?: number;
  /** Drop a session's turns this long after its last append. */
  ttlMs?: number;
}
