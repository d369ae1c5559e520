import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PostgresMemory, RedisMemory, SqliteMemory, type Memory } from "@kaizen/memory";
import { envValue, type Env } from "./env.js";

export interface MemoryFromEnvOptions {
  /** The SQLite file used when neither REDIS_URL nor DATABASE_URL is set. */
  sqlitePath: string;
  /** Prefix for Redis keys and suffix for nothing else: keeps apps sharing one Redis apart. */
  namespace?: string;
  /** Keep at most this many turns per session. */
  maxTurns?: number;
}

/** Where the conversation memory lives, in words for the start-up log (no credentials). */
export interface MemoryChoice {
  memory: Memory;
  description: string;
}

/**
 * SQLite by default (a file, survives restarts); Redis when `REDIS_URL` is set, PostgreSQL when
 * `DATABASE_URL` is, so that several instances of an app share sessions.
 */
export function memoryFromEnv(env: Env, options: MemoryFromEnvOptions): MemoryChoice {
  const redisUrl = envValue(env, "REDIS_URL");
  if (redisUrl) {
    return {
      memory: new RedisMemory({ url: redisUrl, keyPrefix: `kaizen:${options.namespace ?? "app"}:`, maxTurns: options.maxTurns }),
      description: "Redis (REDIS_URL)",
    };
  }
  const databaseUrl = envValue(env, "DATABASE_URL");
  if (databaseUrl) {
    return {
      memory: new PostgresMemory({ connectionString: databaseUrl, maxTurns: options.maxTurns }),
      description: "PostgreSQL (DATABASE_URL)",
    };
  }
  mkdirSync(dirname(options.sqlitePath), { recursive: true });
  return {
    memory: new SqliteMemory({ path: options.sqlitePath, maxTurns: options.maxTurns }),
    description: `SQLite (${options.sqlitePath})`,
  };
}
