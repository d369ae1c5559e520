// The driver objects a user may hand to RedisMemory / PostgresMemory, typed structurally: the
// drivers are optional peers, and naming their types here would make every user's `tsc` (with
// `skipLibCheck: false`) fail with "Cannot find module 'ioredis'" when they did not install it.
// Any ioredis `Redis` and any pg `Pool` fits (checked in memory.test-d.ts against the real types).

/** A client you own, e.g. `new Redis(url)` from ioredis. */
export interface RedisClientLike {
  readonly status: string;
  connect(): Promise<void>;
  quit(): Promise<unknown>;
}

/** Options passed through to ioredis's `new Redis(url, options)` (see ioredis's `RedisOptions`). */
export type RedisClientOptions = object;

/** A pool you own, e.g. `new Pool({ connectionString })` from pg. */
export interface PgPoolLike {
  readonly totalCount: number;
  connect(): Promise<unknown>;
  end(): Promise<void>;
}

/** Options passed through to pg's `new Pool(options)` (see pg's `PoolConfig`), e.g. `{ max: 20, ssl }`. */
export type PgPoolOptions = object;
