// Typed errors of the memory backends. `code` is stable and safe to switch on; `backend` names the
// store ("buffer", "sqlite", "redis", "postgres", "summary"). Messages never carry a password:
// connection strings pass through `redactConnectionString` before they reach a message.
import { KaizenError } from "@kaizen/contracts";
import { redactConnectionString } from "./redact.js";

export type MemoryErrorCode =
  | "invalid_session_id"
  | "invalid_option"
  | "invalid_turn"
  | "connection_failed"
  | "busy"
  | "missing_driver"
  | "closed"
  | "summarize_failed"
  | "backend_error";

export interface MemoryErrorOptions {
  backend: string;
  cause?: unknown;
  /** Secrets to scrub from the message in addition to URL passwords (e.g. a password given separately). */
  secrets?: readonly string[];
}

/** Base class of every error a memory backend throws; a KaizenError like every Kaizen error. */
export class MemoryError extends KaizenError {
  declare readonly code: MemoryErrorCode;
  readonly backend: string;
  constructor(code: MemoryErrorCode, message: string, options: MemoryErrorOptions) {
    super(code, scrub(message, options.secrets), { cause: options.cause });
    this.backend = options.backend;
  }
}

/** A session id broke the rule of `validateSessionId`. */
export class SessionIdError extends MemoryError {
  readonly sessionId: unknown;
  constructor(message: string, sessionId: unknown, backend = "memory") {
    super("invalid_session_id", message, { backend });
    this.sessionId = sessionId;
  }
}

/** An option or a load option has a wrong value. `field` names it. */
export class MemoryOptionsError extends MemoryError {
  readonly field: string;
  constructor(field: string, message: string, backend: string) {
    super("invalid_option", message, { backend });
    this.field = field;
  }
}

/** The server (Redis, Postgres) could not be reached or dropped the connection. */
export class MemoryConnectionError extends MemoryError {
  /** Where we tried to connect, with any password replaced by `***`. */
  readonly target: string | undefined;
  constructor(message: string, options: MemoryErrorOptions & { target?: string }) {
    super("connection_failed", message, options);
    this.target = options.target === undefined ? undefined : redactConnectionString(options.target);
  }
}

/** SQLite stayed locked by another writer for longer than `busyTimeoutMs`. */
export class MemoryBusyError extends MemoryError {
  constructor(message: string, options: MemoryErrorOptions) {
    super("busy", message, options);
  }
}

/** The optional driver package (better-sqlite3, ioredis, pg) is not installed. `packageName` is what to install. */
export class MissingDriverError extends MemoryError {
  readonly packageName: string;
  constructor(packageName: string, backend: string, cause?: unknown) {
    const fix = backend === "sqlite" ? "" : backend === "redis" ? " (or pass your own client)" : " (or pass your own pool)";
    super(
      "missing_driver",
      `${BACKEND_CLASS[backend] ?? "This memory backend"} needs the "${packageName}" package, which is not installed. ` +
        `Fix: npm install ${packageName}${fix}; it is an optional peer dependency of @kaizen/memory.`,
      { backend, cause },
    );
    this.packageName = packageName;
  }
}

const BACKEND_CLASS: Readonly<Record<string, string>> = {
  sqlite: "SqliteMemory",
  redis: "RedisMemory",
  postgres: "PostgresMemory",
};

/** A call came after `close()`. */
export class MemoryClosedError extends MemoryError {
  constructor(backend: string) {
    super(
      "closed",
      `This ${backend} memory is closed. Fix: create a new instance, or call close() only when you are done with it.`,
      {
        backend,
      },
    );
  }
}

function scrub(message: string, secrets: readonly string[] | undefined): string {
  let out = redactConnectionString(message);
  for (const secret of secrets ?? []) {
    if (secret && secret.length >= 3) out = out.split(secret).join("***");
  }
  return out;
}

/** Wraps an unknown failure from a driver in a MemoryError, keeping typed MemoryErrors as they are. */
export function toMemoryError(err: unknown, backend: string, what: string, secrets?: readonly string[]): Error {
  if (err instanceof MemoryError) return err;
  if (isAbortError(err)) return err as Error;
  const detail = err instanceof Error ? err.message : String(err);
  return new MemoryError("backend_error", `${backend} memory: ${what} failed: ${detail}`, { backend, cause: err, secrets });
}

export function isAbortError(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  // AbortSignal.timeout() aborts with a TimeoutError: a deadline is an abort too, never a backend failure.
  const name = (err as { name?: unknown }).name;
  return name === "AbortError" || name === "TimeoutError";
}
