// Versioned schema of SqliteMemory. Each migration runs once, in order, inside the same IMMEDIATE
// transaction that records it, so two processes opening a new file at once cannot both apply it.
// Add new migrations at the end; never edit one that has shipped.
import type BetterSqlite3 from "better-sqlite3";

export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: "turns and sessions",
    sql: `
      CREATE TABLE kaizen_turns (
        session_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        id TEXT NOT NULL,
        inputs TEXT NOT NULL,
        outputs TEXT NOT NULL,
        metadata TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (session_id, seq)
      );
      CREATE UNIQUE INDEX kaizen_turns_id ON kaizen_turns (id);
      CREATE TABLE kaizen_sessions (
        session_id TEXT PRIMARY KEY,
        expires_at INTEGER,
        summary TEXT,
        summary_through_seq INTEGER,
        summary_updated_at INTEGER
      );
      CREATE INDEX kaizen_sessions_expires_at ON kaizen_sessions (expires_at) WHERE expires_at IS NOT NULL;
    `,
  },
];

export const SQLITE_SCHEMA_VERSION = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]?.version ?? 0;

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
