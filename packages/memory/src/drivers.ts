// The three database drivers are optional peer dependencies: an app that only keeps sessions in
// process (BufferMemory) installs none of them and never compiles better-sqlite3. Each is loaded
// the first time its backend needs it, and a missing one fails with MissingDriverError naming the
// install command. The driver's own types stay inside this package (only in `#private` members), so
// a user's `tsc` with `skipLibCheck: false` never needs `pg`, `ioredis` or `better-sqlite3` types.
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import type { Redis } from "ioredis";
import type { Pool } from "pg";
import { MissingDriverError } from "./errors.js";

const require = createRequire(import.meta.url);

/** better-sqlite3 is CommonJS, so a synchronous require keeps `new SqliteMemory()` synchronous. */
export function loadBetterSqlite3(): typeof BetterSqlite3 {
  try {
    return require("better-sqlite3") as typeof BetterSqlite3;
  } catch (err) {
    throw missing(err, "better-sqlite3", "sqlite");
  }
}

export async function loadIoredis(): Promise<typeof Redis> {
  try {
    return (await import("ioredis")).Redis;
  } catch (err) {
    throw missing(err, "ioredis", "redis");
  }
}

export async function loadPg(): Promise<typeof Pool> {
  try {
    return (await import("pg")).default.Pool;
  } catch (err) {
    throw missing(err, "pg", "postgres");
  }
}

/** Only "this package is not installed" becomes MissingDriverError; a driver that fails to load (e.g. a native build for another Node ABI) keeps its own error. */
function missing(err: unknown, packageName: string, backend: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  const notFound = code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND";
  return notFound && String((err as Error).message).includes(packageName)
    ? new MissingDriverError(packageName, backend, err)
    : err;
}
