import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * The chat session id lives in a small file next to the SQLite database, so `kaizen chat`
 * picks up the same conversation on the next invocation. `fresh` starts (and saves) a new one.
 */
export function currentSessionId(path: string, fresh = false): string {
  if (!fresh && existsSync(path)) {
    const saved = readFileSync(path, "utf8").trim();
    if (saved) return saved;
  }
  const id = `cli-${randomUUID()}`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${id}\n`);
  return id;
}
