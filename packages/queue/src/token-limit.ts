import { ConfigurationError } from "@kaizen/contracts";
import { sleep } from "@kaizen/providers/toolkit";
import type { Redis } from "ioredis";

/** A token bucket: it holds at most `capacity` tokens and refills `perMs` of them every ms. */
export interface TokenBucket {
  capacity: number;
  perMs: number;
}

/**
 * The same budget as the request limiter's one-second windows: a bucket of tpm/61 tokens refilled
 * at tpm/61 a second lets any sliding minute take at most tpm/61 + 60 × tpm/61 = tpm, and any
 * sliding 10 s at most 11/61 (about a sixth) of it, so the budget is spread over the minute
 * instead of going in one burst. A bucket, not fixed windows, because items cost different amounts:
 * an item costing more than a window holds would otherwise never fit.
 */
export function tokenBucketFor(tokensPerMinute: number): TokenBucket {
  if (!Number.isFinite(tokensPerMinute) || tokensPerMinute < 61) {
    throw new ConfigurationError(
      `rateLimit.tokensPerMinute must be a number of 61 or more; got ${String(tokensPerMinute)}. Fix: e.g. rateLimit: { tokensPerMinute: 200_000 }.`,
      { field: "rateLimit.tokensPerMinute" },
    );
  }
  const capacity = tokensPerMinute / 61;
  return { capacity, perMs: capacity / 1_000 };
}

// One script, so that refilling, checking and taking are one step for every worker at once. The
// clock is Redis's (TIME), not the workers': machines' clocks disagree, Redis's is one.
// ARGV: capacity, perMs, mode ("take" | "adjust"), tokens. "take" succeeds when the bucket holds
// min(tokens, capacity): an item bigger than the whole bucket waits for a full one and leaves it
// in debt, which later items wait out. "adjust" adds tokens (a refund, or a debt when negative).
// Returns 0 when taken (or adjusted), else the ms until the tokens are there.
const BUCKET_SCRIPT = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local tokens = tonumber(ARGV[4])
local state = redis.call("HMGET", KEYS[1], "level", "at")
local level = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
level = math.min(capacity, level + math.max(0, now - at) * perMs)
local wait = 0
if ARGV[3] == "adjust" then
  level = math.min(capacity, level + tokens)
else
  local want = math.min(tokens, capacity)
  if level >= want then level = level - tokens else wait = math.ceil((want - level) / perMs) end
end
redis.call("HSET", KEYS[1], "level", tostring(level), "at", tostring(now))
-- Gone once full again: a missing bucket reads as a full one.
redis.call("PEXPIRE", KEYS[1], math.ceil((capacity - level) / perMs) + 1000)
return wait
`;

/**
 * Tokens per minute shared by every worker of a queue, counted in Redis. A worker takes an item's
 * estimated tokens before it calls the model and corrects the count from the usage after it.
 */
export class TokenLimiter {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #bucket: TokenBucket;

  constructor(redis: Redis, key: string, tokensPerMinute: number) {
    this.#redis = redis;
    this.#key = key;
    this.#bucket = tokenBucketFor(tokensPerMinute);
  }

  async #run(mode: "take" | "adjust", tokens: number): Promise<number> {
    const { capacity, perMs } = this.#bucket;
    const wait = await this.#redis.eval(BUCKET_SCRIPT, 1, this.#key, String(capacity), String(perMs), mode, String(tokens));
    return Number(wait);
  }

  /** Waits until the bucket holds `tokens` (or is full, for an item bigger than it), then takes them. */
  async take(tokens: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = await this.#run("take", tokens);
      if (wait === 0) return;
      // Jitter, so that workers waiting for the same refill do not all ask at the same instant.
      await sleep(Math.min(wait, 1_000) + Math.floor(Math.random() * 25), signal);
    }
  }

  /** Corrects a `take` from what the call really used: unused tokens go back, extra ones become debt. */
  async correct(estimated: number, used: number): Promise<void> {
    if (estimated === used) return;
    await this.#run("adjust", estimated - used);
  }
}

export const tokenLimiterKey = (prefix: string, queueName: string): string => `${prefix}:${queueName}:kaizen-tokens`;
