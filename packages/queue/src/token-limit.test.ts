// The token bucket against the real Redis: its numbers, and a take that waits, a refund and a debt.
import { ConfigurationError } from "@kaizen/contracts";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { isolatedPrefix, REDIS_URL } from "./__fixtures__/isolated-queue.js";
import { TokenLimiter, tokenBucketFor } from "./token-limit.js";

const prefix = isolatedPrefix("tokens");
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  await redis.quit();
});

// 6,100 tokens a minute: a bucket of 100 tokens refilled at 100 a second.
const limiter = (name: string) => new TokenLimiter(redis, `${prefix}:${name}`, 6_100);
const timed = async (run: () => Promise<unknown>) => {
  const start = performance.now();
  await run();
  return performance.now() - start;
};

describe("tokenBucketFor", () => {
  it.each([61, 6_100, 200_000, 2_000_000])(
    "%i tpm: no sliding minute over the limit, no sliding 10 s over about a sixth",
    (tpm) => {
      const { capacity, perMs } = tokenBucketFor(tpm);
      // The most a bucket lets through in a span: what it holds at the start plus what refills.
      const most = (spanMs: number) => capacity + perMs * spanMs;
      expect(most(60_000)).toBeLessThanOrEqual(tpm * 1.000001);
      expect(most(10_000)).toBeLessThanOrEqual(tpm * 0.19);
    },
  );

  it("rejects a limit under 61 with a ConfigurationError naming the field", () => {
    expect(() => tokenBucketFor(60)).toThrow(ConfigurationError);
    expect(() => tokenBucketFor(Number.NaN)).toThrow(/rateLimit\.tokensPerMinute/);
  });
});

describe("TokenLimiter", () => {
  it("takes what the bucket holds at once, then waits for the refill", async () => {
    const tokens = limiter("wait");
    expect(await timed(() => tokens.take(100))).toBeLessThan(300);
    // Empty now: 50 tokens refill in about 500 ms.
    const waited = await timed(() => tokens.take(50));
    expect(waited).toBeGreaterThanOrEqual(400);
    expect(waited).toBeLessThan(2_000);
  });

  it("a correction gives unused tokens back, so the next item need not wait for them", async () => {
    const tokens = limiter("refund");
    await tokens.take(100);
    await tokens.correct(100, 20);
    expect(await timed(() => tokens.take(75))).toBeLessThan(300);
  });

  it("a call that used more than its estimate leaves a debt the next item waits out", async () => {
    const tokens = limiter("debt");
    await tokens.take(10);
    await tokens.correct(10, 160);
    // 100 - 160 = -60 (plus what refilled meanwhile): 10 more tokens are about 700 ms away.
    const waited = await timed(() => tokens.take(10));
    expect(waited).toBeGreaterThanOrEqual(500);
    expect(waited).toBeLessThan(2_500);
  });

  it("an item bigger than the whole bucket runs once it is full, and later items wait out its debt", async () => {
    const tokens = limiter("big");
    expect(await timed(() => tokens.take(250))).toBeLessThan(300);
    const waited = await timed(() => tokens.take(1));
    expect(waited).toBeGreaterThanOrEqual(1_300);
    expect(waited).toBeLessThan(3_500);
  });

  it("a take stops waiting when its signal aborts", async () => {
    const tokens = limiter("abort");
    await tokens.take(100);
    await expect(tokens.take(100, AbortSignal.timeout(50))).rejects.toThrow();
  });
});
