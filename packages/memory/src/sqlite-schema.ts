// Versioned schema of SqliteMemory. Each migration runs once, in order, inside the same IMMEDIATE
// transaction that records it, so two processes opening a new file at once cannot both apply it.
// Add new migrations at the end; never edit one that has shipped.
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
