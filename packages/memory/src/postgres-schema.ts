// Versioned schema of PostgresMemory. Migrations run under a session-level advisory lock keyed by
// the table, so app instances starting together apply each one exactly once; each migration and
// its record commit in one transaction. Add new migrations at the end; never edit a shipped one.

export interface PostgresNames {
  /** "schema"."table", quoted. */
  turns: string;
  sessions: string;
  migrations: string;
  schema: string;
  /** Unquoted schema.table, the advisory lock key. */
  lockKey: string;
  sessionsExpiresIndex: string;
}

export interface PostgresMigration {
  version: number;
  name: string;
  sql: (n: PostgresNames) => string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "turns and sessions",
    sql: (n) => `
      CREATE TABLE IF NOT EXISTS ${n.sessions} (
        session_id text PRIMARY KEY,
        last_seq bigint NOT NULL DEFAULT 0,
        expires_at bigint,
        summary text,
        summary_through_seq bigint,
        summary_updated_at bigint
      );
      CREATE INDEX IF NOT EXISTS ${n.sessionsExpiresIndex} ON ${n.sessions} (expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE IF NOT EXISTS ${n.turns} (
        session_id text NOT NULL,
        seq bigint NOT NULL,
        id uuid NOT NULL UNIQUE,
        inputs json NOT NULL,
        outputs json NOT NULL,
        metadata json,
        created_at bigint NOT NULL,
        PRIMARY KEY (session_id, seq)
      );
    `,
  },
];

export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]?.version ?? 0;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,49}$/;

export function isValidIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

export function postgresNames(schema: string, table: string): PostgresNames {
  const q = (s: string): string => `"${s}"`;
  return {
    turns: `${q(schema)}.${q(table)}`,
    sessions: `${q(schema)}.${q(`${table}_sessions`)}`,
    migrations: `${q(schema)}.${q(`${table}_migrations`)}`,
    schema: q(schema),
    lockKey: `kaizen-memory:${schema}.${table}`,
    sessionsExpiresIndex: q(`${table}_sessions_expires_at`),
  };
}
