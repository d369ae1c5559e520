// Applies SqliteMemory's schema. Apart from sqlite-schema.ts because it needs better-sqlite3's
// types, which must stay out of the declarations that index.d.ts reaches (the driver is optional).
import type BetterSqlite3 from "better-sqlite3";
import { SQLITE_MIGRATIONS } from "./sqlite-schema.js";

/** Applies the migrations this file lacks; returns the versions it applied (empty when up to date). */
export function migrateSqlite(db: BetterSqlite3.Database): number[] {
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS kaizen_memory_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const row = db.prepare("SELECT coalesce(max(version), 0) AS v FROM kaizen_memory_migrations").get() as { v: number };
    const applied: number[] = [];
    for (const migration of SQLITE_MIGRATIONS) {
      if (migration.version <= row.v) continue;
      db.exec(migration.sql);
      db.prepare("INSERT INTO kaizen_memory_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        migration.version,
        migration.name,
        Date.now(),
      );
      applied.push(migration.version);
    }
    return applied;
  });
  return run.immediate();
}
