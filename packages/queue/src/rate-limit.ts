import { ConfigurationError } from "@kaizen/contracts";

export interface RateLimitOptions {
  /** Requests per minute across every worker of the queue together. */
  requestsPerMinute?: number;
  /**
   * Tokens per minute across every worker of the queue together: each item's prompt (characters / 4)
   * plus the agent's `maxTokens` are taken before its call, corrected from the usage after it.
   */
  tokensPerMinute?: number;
}

/** BullMQ's limiter: at most `max` jobs start in a window of `duration` ms, counted in Redis. */
export interface LimiterWindow {
  max: number;
  duration: number;
}

const MINUTE_MS = 60_000;
const WINDOW_MS = 1_000;

/**
 * Without a limit a worker still needs a limiter: BullMQ honours a manual `rateLimit(ms)` (the
 * pause after a 429) only when one is set. This one never limits by itself.
 */
export const UNLIMITED: LimiterWindow = { max: 1e15, duration: MINUTE_MS };

/**
 * BullMQ counts fixed windows, so any sliding minute touches 60 s / window + 1 of them. One-second
 * windows of rpm/61 jobs keep every sliding minute under `rpm` and every sliding 10 s under
 * 11/61 (about a sixth) of it, instead of letting the whole minute's budget go in one burst.
 */
export function limiterFor({ requestsPerMinute: rpm }: RateLimitOptions): LimiterWindow {
  if (rpm === undefined) return UNLIMITED;
  if (!Number.isFinite(rpm) || rpm < 1) {
    throw new ConfigurationError(
      `rateLimit.requestsPerMinute must be a number of 1 or more; got ${String(rpm)}. Fix: e.g. rateLimit: { requestsPerMinute: 600 }.`,
      { field: "rateLimit.requestsPerMinute" },
    );
  }
  const perWindow = Math.floor((rpm * WINDOW_MS) / (MINUTE_MS + WINDOW_MS));
  if (perWindow >= 1) return { max: perWindow, duration: WINDOW_MS };
  // Under 61 rpm: one job per window, the window as short as keeps a sliding minute under rpm.
  return { max: 1, duration: rpm <= 1 ? MINUTE_MS : Math.ceil(MINUTE_MS / (rpm - 1)) };
}
