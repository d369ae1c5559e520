// The built-in memory backends against the conformance suite. Redis and Postgres run against the
// real local servers (REDIS_URL or redis://127.0.0.1:6379, DATABASE_URL or
// postgres://127.0.0.1:5432/test), each run under its own key prefix / tables, removed afterwards.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { BufferMemory, PostgresMemory, RedisMemory, SqliteMemory, SummaryMemory } from "@kaizen/memory";
import type { RetentionOptions } from "@kaizen/memory";
import { runMemoryConformance } from "./memory-conformance.js";

const runId = randomUUID().replaceAll("-", "").slice(0, 10);

runMemoryConformance({ name: "buffer", create: (retention) => new BufferMemory(retention), sync: true });

// SummaryMemory passes too, with keepLast above what the suite appends (folding itself is tested in @kaizen/memory).
runMemoryConformance({
  name: "summary over buffer",
  create: (retention) =>
    new SummaryMemory({
      store: new BufferMemory(retention),
      keepLast: 1000,
      summarize: (turns, previous) => `${previous ?? ""}+${turns.length}`,
    }),
  sync: true,
});

const sqliteDir = mkdtempSync(join(tmpdir(), "kaizen-conformance-"));
afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }));
let sqliteFiles = 0;
runMemoryConformance({
  name: "sqlite",
  // Instances with retention get a file of their own, so their policy applies to their data only.
  create: (retention) =>
    new SqliteMemory({ path: join(sqliteDir, retention ? `retention-${++sqliteFiles}.db` : "shared.db"), ...retention }),
  sync: true,
  shared: true,
});

// Redis: every instance of this run shares one key prefix; its keys are deleted at the end.
const redisPrefix = `kaizen-test:${runId}:`;
runMemoryConformance({
  name: "redis",
  create: (retention?: RetentionOptions) => new RedisMemory({ keyPrefix: redisPrefix, ...retention }),
  shared: true,
});
afterAll(async () => {
  const redis = new RedisMemory({ keyPrefix: redisPrefix });
  try {
    await redis.purgeAsync();
  } finally {
    await redis.close();
  }
});

// Postgres: tables of this run's own, dropped at the end.
const pgTable = `kaizen_test_${runId}`;
runMemoryConformance({
  name: "postgres",
  create: (retention?: RetentionOptions) => new PostgresMemory({ table: pgTable, ...retention }),
  shared: true,
});
afterAll(async () => {
  const postgres = new PostgresMemory({ table: pgTable });
  try {
    await postgres.dropTablesAsync();
  } finally {
    await postgres.close();
  }
});
