import { SessionIdError } from "./errors.js";

/** The longest session id any backend accepts. */
export const MAX_SESSION_ID_LENGTH = 128;
const SESSION_ID_PATTERN = /^[A-Za-z0-9._:@-]+$/;

/**
 * The rule every backend enforces: 1 to 128 characters of `A-Z a-z 0-9 . _ : @ -`. These characters
 * are safe as a Redis key part, a SQL value and a file or log token, and they cover UUIDs, user ids
 * (`user@example.com`), and namespaced ids (`tenant:42:chat-7`). Returns the id so it can be used inline.
 */
export function validateSessionId(sessionId: unknown, backend = "memory"): string {
  if (typeof sessionId !== "string") {
    throw new SessionIdError(
      `Invalid session id: expected a string, got ${sessionId === null ? "null" : typeof sessionId}. ` +
        `Fix: pass a string of 1-${MAX_SESSION_ID_LENGTH} characters from A-Z a-z 0-9 . _ : @ -.`,
      sessionId,
      backend,
    );
  }
  if (sessionId.length === 0 || sessionId.length > MAX_SESSION_ID_LENGTH) {
    throw new SessionIdError(
      `Invalid session id ${preview(sessionId)}: its length is ${sessionId.length}, it must be 1-${MAX_SESSION_ID_LENGTH} characters. ` +
        `Fix: ${sessionId.length === 0 ? "pass a non-empty id" : "shorten it, e.g. to a hash (sha256 hex is 64 characters)"}.`,
      sessionId,
      backend,
    );
  }
  if (!SESSION_ID_PATTERN.test(sessionId)) {
    const bad = [...sessionId].findIndex((ch) => !SESSION_ID_PATTERN.test(ch));
    const ch = [...sessionId][bad] ?? "";
    throw new SessionIdError(
      `Invalid session id ${preview(sessionId)}: character ${JSON.stringify(ch)} at position ${bad} is not allowed; ` +
        `session ids use only A-Z a-z 0-9 . _ : @ -. Fix: replace other characters (e.g. spaces with "-") or use a hash of the id.`,
      sessionId,
      backend,
    );
  }
  return sessionId;
}

function preview(id: string): string {
  return JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}...` : id);
}
