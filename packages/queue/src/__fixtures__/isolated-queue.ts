// Each test file gets its own Redis key prefix, removed with everything under it after the
// file's tests, so files running in parallel (and other helpers' keys) never meet.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll } from "vitest";

export const REDIS_URL = "redis://127.0.0.1:6379";

export function isolatedPrefix(name: string): string {
  const prefix = `kaizen-test-queue-${name}-${randomUUID().slice(0, 8)}`;
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    try {
      const stream = redis.scanStream({ match: `${prefix}:*`, count: 500 });
      for await (const keys of stream as AsyncIterable<string[]>) {
        if (keys.length > 0) await redis.unlink(...keys);
      }
    } finally {
      await redis.quit();
    }
  });
  return prefix;
}
