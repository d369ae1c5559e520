// Each test file gets its own SQLite folder, Redis key prefix and Postgres table, removed after
// the file's tests, so files running in parallel (and leftovers of earlier runs) never meet.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { PostgresMemory } from "../postgres-memory.js";
import { RedisMemory } from "../redis-memory.js";

export interface IsolatedStores {
  /** Unique to this file's run: also good for session ids. */
  runId: string;
  dir: string;
  redisPrefix: string;
  pgTable: string;
}

export function isolatedStores(name: string): IsolatedStores {
  const runId = randomUUID().replaceAll("-", "").slice(0, 10);
  const stores = {
    runId,
    dir: mkdtempSync(join(tmpdir(), `kaizen-${name}-`)),
    redisPrefix: `kaizen-test-${name}:${runId}:`,
    pgTable: `kaizen_test_${name}_${runId}`,
  };
  afterAll(async () => {
    rmSync(stores.dir, { recursive: true, force: true });
    const redis = new RedisMemory({ keyPrefix: stores.redisPrefix });
    const postgres = new PostgresMemory({ table: stores.pgTable });
    try {
      await redis.purgeAsync();
      await postgres.dropTablesAsync();
    } finally {
      await redis.close();
      await postgres.close();
    }
  });
  return stores;
}
