import { describe, expect, it } from "vitest";
import { MemoryConnectionError, MemoryError, redactConnectionString } from "./index.js";

describe("redactConnectionString", () => {
  it("hides the password of URLs and keeps everything else", () => {
    expect(redactConnectionString("postgres://app:pa55word@db.internal:5432/prod")).toBe(
      "postgres://app:***@db.internal:5432/prod",
    );
    expect(redactConnectionString("redis://:topsecret@cache:6379/0")).toBe("redis://:***@cache:6379/0");
    expect(redactConnectionString("rediss://default:p%40ss@host")).toBe("rediss://default:***@host");
    expect(redactConnectionString("connect to postgres://u:x@h/db failed; retry redis://:y@h2")).toBe(
      "connect to postgres://u:***@h/db failed; retry redis://:***@h2",
    );
  });

  it("hides password= parameters and leaves URLs without a password alone", () => {
    expect(redactConnectionString("postgres://h/db?sslmode=require&password=hunter22")).toBe(
      "postgres://h/db?sslmode=require&password=***",
    );
    expect(redactConnectionString("host=h password=hunter22 dbname=x")).toBe("host=h password=*** dbname=x");
    expect(redactConnectionString("postgres://app@db:5432/prod")).toBe("postgres://app@db:5432/prod");
    expect(redactConnectionString("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });
});

describe("memory errors", () => {
  it("scrub URL passwords and given secrets from every message", () => {
    const err = new MemoryConnectionError("cannot reach postgres://app:pa55word@db/x (auth pa55word)", {
      backend: "postgres",
      target: "postgres://app:pa55word@db/x",
      secrets: ["pa55word"],
    });
    expect(err.message).not.toContain("pa55word");
    expect(err.target).toBe("postgres://app:***@db/x");
    expect(err).toBeInstanceOf(MemoryError);
    expect(err.name).toBe("MemoryConnectionError");
    expect(err.code).toBe("connection_failed");
    expect(err.backend).toBe("postgres");
  });
});
