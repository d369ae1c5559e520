import type { Redis } from "ioredis";
import type { BatchKeys } from "./keys.js";

// One script, so a result, its counters and the in-flight entry change together or not at all:
// a worker killed between two separate commands would otherwise leave counts that disagree
// with the results. HSETNX makes a second recording (a stalled job run again) a no-op.
const RECORD_SCRIPT = `
if redis.call("HSETNX", KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call("HINCRBY", KEYS[1], "done", 1)
if ARGV[3] == "1" then redis.call("HINCRBY", KEYS[1], "failed", 1) end
redis.call("ZREM", KEYS[3], ARGV[1])
return 1
`;

/** Records one item's settled result; true when this call wrote it, false when it was already there. */
export async function recordResult(
  redis: Redis,
  keys: BatchKeys,
  index: number,
  json: string,
  rejected: boolean,
): Promise<boolean> {
  const written = await redis.eval(
    RECORD_SCRIPT,
    3,
    keys.meta,
    keys.results,
    keys.inFlight,
    String(index),
    json,
    rejected ? "1" : "0",
  );
  return written === 1;
}
