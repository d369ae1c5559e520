import type { KaizenQueueOptions, RateLimitOptions } from "@kaizen/queue";

export const DEFAULT_QUEUE_NAME = "kaizen-batch";

/** The Redis URL as safe to print: a password in it is masked. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unparsable URL)";
  }
}

/** Undefined when the URL is usable, else what is wrong with it. */
export function checkRedisUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `--queue must be a Redis URL such as redis://127.0.0.1:6379 (got ${JSON.stringify(url)}).`;
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    return `--queue must start with redis:// or rediss:// (got ${JSON.stringify(parsed.protocol)}).`;
  }
  return undefined;
}

export function queueOptionsOf(url: string, name: string, rateLimit: RateLimitOptions | undefined): KaizenQueueOptions {
  return { name, connection: url, ...(rateLimit === undefined ? {} : { rateLimit }) };
}
