// RedisMemory specifics against the real local server; the shared behaviour is in the conformance suite.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryConnectionError, MemoryOptionsError, RedisMemory } from "./index.js";

const url = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
const prefix = `kaizen-test-redis:${randomUUID().slice(0, 8)}:`;
const raw = new Redis(url);

afterAll(async () => {
  const memory = new RedisMemory({ keyPrefix: prefix });
  await memory.purgeAsync();
  await memory.close();
  await raw.quit();
});

const turn = (i: number) => ({ inputs: { i }, outputs: { ok: true } });

describe("RedisMemory", () => {
  it("stores a session under <prefix>{<sessionId>}:turns|seq, one cluster slot per session", async () => {
    const memory = new RedisMemory({ keyPrefix: prefix });
    try {
      await memory.appendAsync("layout", turn(1));
      expect(await raw.llen(`${prefix}{layout}:turns`)).toBe(1);
      expect(await raw.get(`${prefix}{layout}:seq`)).toBe("1");
      const stored = JSON.parse((await raw.lindex(`${prefix}{layout}:turns`, 0)) ?? "{}") as Record<string, unknown>;
      expect(stored).toMatchObject({ seq: 1, inputs: { i: 1 }, outputs: { ok: true } });
    } finally {
      await memory.close();
    }
  });

  it("trims the list to maxTurns and sets the TTL on every key of the session", async () => {
    const memory = new RedisMemory({ keyPrefix: prefix, maxTurns: 3, ttlMs: 60_000 });
    try {
      for (let i = 1; i <= 5; i++) await memory.appendAsync("trim", turn(i));
      expect(await raw.llen(`${prefix}{trim}:turns`)).toBe(3);
      const pttl = await raw.pttl(`${prefix}{trim}:turns`);
      expect(pttl).toBeGreaterThan(50_000);
      expect(pttl).toBeLessThanOrEqual(60_000);
      expect(await raw.pttl(`${prefix}{trim}:seq`)).toBeGreaterThan(50_000);
      await memory.saveSummaryAsync("trim", { text: "s", throughSeq: 2 });
      expect(await raw.pttl(`${prefix}{trim}:summary`)).toBeGreaterThan(50_000);
    } finally {
      await memory.close();
    }
    const forever = new RedisMemory({ keyPrefix: prefix });
    try {
      await forever.appendAsync("forever", turn(1));
      expect(await raw.pttl(`${prefix}{forever}:turns`)).toBe(-1);
    } finally {
      await forever.close();
    }
  });

  it("fails fast with MemoryConnectionError when Redis is unreachable, without the password", async () => {
    const memory = new RedisMemory({ url: "redis://:s3cretpassw0rd@127.0.0.1:1/0", keyPrefix: prefix, connectTimeoutMs: 1000 });
    const started = Date.now();
    const err = await memory.appendAsync("x", turn(1)).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err).toBeInstanceOf(MemoryConnectionError);
    const error = err as MemoryConnectionError;
    expect(error.code).toBe("connection_failed");
    expect(error.backend).toBe("redis");
    expect(error.message).toContain("127.0.0.1:1");
    expect(error.message).toMatch(/REDIS_URL/);
    expect(error.message).not.toContain("s3cretpassw0rd");
    expect(error.target).toBe("redis://:***@127.0.0.1:1/0");
    expect(JSON.stringify(error)).not.toContain("s3cretpassw0rd");
    // Still a typed error on the next call (it reconnects from scratch), and close() works.
    await expect(memory.loadAsync("x")).rejects.toBeInstanceOf(MemoryConnectionError);
    await memory.close();
  });

  it("writes nothing when the append cannot complete (a foreign value under the session's key)", async () => {
    const memory = new RedisMemory({ keyPrefix: prefix });
    try {
      await raw.set(`${prefix}{clash}:turns`, "not a list");
      await expect(memory.appendAsync("clash", turn(1))).rejects.toThrow(/WRONGTYPE/);
      expect(await raw.exists(`${prefix}{clash}:seq`)).toBe(0);
      await raw.del(`${prefix}{clash}:turns`);
      expect((await memory.appendAsync("clash", turn(1))).seq).toBe(1);
    } finally {
      await memory.close();
    }
  });

  it("rejects a load with the signal's reason when aborted mid-flight", async () => {
    const memory = new RedisMemory({ keyPrefix: prefix });
    try {
      await memory.appendAsync("abort", turn(1));
      const controller = new AbortController();
      const pending = memory.loadAsync("abort", { signal: controller.signal });
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: "AbortError" });
      expect((await memory.loadAsync("abort")).turns).toHaveLength(1);
    } finally {
      await memory.close();
    }
  });

  it("uses a client passed in and leaves it open on close()", async () => {
    const client = new Redis(url);
    const memory = new RedisMemory({ client, keyPrefix: prefix });
    await memory.appendAsync("own-client", turn(1));
    await memory.close();
    expect(await client.ping()).toBe("PONG");
    await client.quit();
  });

  it("purgeAsync deletes every key under its prefix and nothing else", async () => {
    const sub = `${prefix}purge:`;
    const memory = new RedisMemory({ keyPrefix: sub });
    const neighbour = new RedisMemory({ keyPrefix: prefix });
    try {
      await memory.appendAsync("a", turn(1));
      await memory.appendAsync("b", turn(1));
      await neighbour.appendAsync("kept", turn(1));
      expect(await memory.purgeAsync()).toBe(4);
      expect((await memory.loadAsync("a")).turns).toEqual([]);
      expect((await neighbour.loadAsync("kept")).turns).toHaveLength(1);
    } finally {
      await memory.close();
      await neighbour.close();
    }
  });

  it("refuses a key prefix that would break the hash tag", () => {
    expect(() => new RedisMemory({ keyPrefix: "a{b}" })).toThrow(MemoryOptionsError);
  });
});
