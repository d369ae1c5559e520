// A SQLite file that cannot be opened: the message names the path once and says what to change.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryError } from "./errors.js";
import { SqliteMemory } from "./sqlite-memory.js";

const dir = mkdtempSync(join(tmpdir(), "kaizen-sqlite-open-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openError(path: string): Error {
  try {
    const memory = new SqliteMemory({ path });
    void memory.close();
  } catch (err) {
    return err as Error;
  }
  throw new Error(`expected opening ${path} to fail`);
}

describe("SqliteMemory on a path it cannot open", () => {
  it("says it could not open the file, names it once and gives the fix", () => {
    const notADatabase = join(dir, "notes.txt");
    writeFileSync(notADatabase, "these are not the pages of a SQLite database ".repeat(100));
    const err = openError(notADatabase);
    expect(err).toBeInstanceOf(MemoryError);
    expect(err.message).toContain(`open on ${notADatabase} failed`);
    expect(err.message.split(notADatabase)).toHaveLength(2);
    expect(err.message).not.toMatch(/opening .* on /);
    expect(err.message).toContain("Fix: check that");
    expect(err.message).toContain("is a SQLite database; or pass another path.");
  });

  it("names the directory when the parent is a file", () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const err = openError(join(file, "chat.db"));
    expect(err.message).toContain(`check that ${file} exists or can be created`);
  });
});
