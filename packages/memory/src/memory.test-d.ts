// Type tests (checked by `tsc --noEmit`): which backends offer the sync API, and the shapes core relies on.
import type { Redis, RedisOptions } from "ioredis";
import type { Pool, PoolConfig } from "pg";
import { expectTypeOf } from "vitest";
import { BufferMemory, PostgresMemory, RedisMemory, SqliteMemory } from "./index.js";
import type {
  Memory,
  MemoryContext,
  PgPoolLike,
  PgPoolOptions,
  RedisClientLike,
  RedisClientOptions,
  Summarize,
  SummaryMemory,
  Turn,
} from "./index.js";

expectTypeOf<BufferMemory>().toExtend<Memory>();
expectTypeOf<SqliteMemory>().toExtend<Memory>();
expectTypeOf<RedisMemory>().toExtend<Memory>();
expectTypeOf<PostgresMemory>().toExtend<Memory>();
expectTypeOf<SummaryMemory>().toExtend<Memory>();

// Buffer and SQLite: the sync calls are always there and return plain values, not Promises.
expectTypeOf(new BufferMemory().load).returns.toEqualTypeOf<MemoryContext>();
expectTypeOf(new SqliteMemory({ path: ":memory:" }).append).returns.toEqualTypeOf<Turn>();

// Redis and Postgres are async only.
// @ts-expect-error RedisMemory has no synchronous load
void new RedisMemory().load;
// @ts-expect-error PostgresMemory has no synchronous append
void new PostgresMemory().append;

// SummaryMemory: the sync calls depend on the store and the function, so they are optional.
declare const summary: SummaryMemory;
expectTypeOf(summary.load).toEqualTypeOf<
  ((sessionId: string, options?: { maxTurns?: number; maxTokens?: number }) => MemoryContext) | undefined
>();

// summarize may be sync or async.
expectTypeOf<() => string>().toExtend<Summarize>();
expectTypeOf<(turns: Turn[], previous: string | undefined) => Promise<string>>().toExtend<Summarize>();

// The structural driver types accept the real drivers' objects (the public types name neither).
expectTypeOf<Redis>().toExtend<RedisClientLike>();
expectTypeOf<Pool>().toExtend<PgPoolLike>();
expectTypeOf<RedisOptions>().toExtend<RedisClientOptions>();
expectTypeOf<PoolConfig>().toExtend<PgPoolOptions>();
