import { describe, expect, it } from "vitest";
import { MAX_SESSION_ID_LENGTH, MemoryError, SessionIdError, validateSessionId } from "./index.js";

describe("validateSessionId", () => {
  it("accepts 1-128 characters of A-Z a-z 0-9 . _ : @ - and returns the id", () => {
    for (const id of [
      "a",
      "user@example.com",
      "tenant:42:chat-7",
      "3f2b8c1e-9d4a-4c7e-8f00-123456789abc",
      "a.b_c",
      "x".repeat(MAX_SESSION_ID_LENGTH),
    ]) {
      expect(validateSessionId(id)).toBe(id);
    }
  });

  it("rejects other characters, naming the character, its position, the rule and the fix", () => {
    const err = (() => {
      try {
        validateSessionId("chat 7");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SessionIdError);
    expect(err).toBeInstanceOf(MemoryError);
    const e = err as SessionIdError;
    expect(e.code).toBe("invalid_session_id");
    expect(e.sessionId).toBe("chat 7");
    expect(e.message).toContain('character " " at position 4');
    expect(e.message).toContain("A-Z a-z 0-9 . _ : @ -");
    expect(e.message).toMatch(/Fix:/);
    for (const id of ["a/b", "a{b}", "naïve", "tab\there", "emoji🎉", "new\nline", "*"])
      expect(() => validateSessionId(id)).toThrow(SessionIdError);
  });

  it("rejects empty, too long and non-string ids", () => {
    expect(() => validateSessionId("")).toThrow(/length is 0.*non-empty/);
    expect(() => validateSessionId("x".repeat(129))).toThrow(/length is 129, it must be 1-128.*hash/);
    expect(() => validateSessionId(42)).toThrow(/expected a string, got number/);
    expect(() => validateSessionId(null)).toThrow(/got null/);
    expect(() => validateSessionId(undefined)).toThrow(SessionIdError);
  });

  it("keeps long ids out of the message beyond a preview", () => {
    const id = `${"y".repeat(200)} bad`;
    expect(() => validateSessionId(id)).toThrow(/y{40}\.\.\./);
    try {
      validateSessionId(id);
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(300);
    }
  });
});
