export type {
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
export {
  MemoryBusyError,
  MemoryClosedError,
  MemoryConnectionError,
  MemoryError,
  MemoryOptionsError,
  MissingDriverError,
  SessionIdError,
} from "./errors.js";
export type { MemoryErrorCode } from "./errors.js";
export { MAX_SESSION_ID_LENGTH, validateSessionId } from "./session-id.js";
export { redactConnectionString } from "./redact.js";
export { estimateTextTokens, estimateTurnTokens } from "./shared.js";
export { BufferMemory } from "./buffer-memory.js";
export type { BufferMemoryOptions } from "./buffer-memory.js";
export { SqliteMemory } from "./sqlite-memory.js";
export type { SqliteMemoryOptions } from "./sqlite-memory.js";
export { SQLITE_SCHEMA_VERSION } from "./sqlite-schema.js";
export { RedisMemory } from "./redis-memory.js";
export type { RedisMemoryOptions } from "./redis-memory.js";
export { PostgresMemory } from "./postgres-memory.js";
export type { PgPoolLike, PgPoolOptions, RedisClientLike, RedisClientOptions } from "./driver-types.js";
export type { PostgresMemoryOptions } from "./postgres-memory.js";
export { POSTGRES_SCHEMA_VERSION } from "./postgres-schema.js";
export { SummaryMemory } from "./summary-memory.js";
export type { Summarize, SummaryMemoryOptions } from "./summary-memory.js";
