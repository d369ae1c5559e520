import { ConfigurationError } from "@kaizen/contracts";
import { describe, expect, it } from "vitest";
import { limiterFor } from "./index.js";

/**
 * The worst case of BullMQ's fixed windows: a sliding span overlaps at most ceil(span / duration)
 * + 1 of them, each holding up to `max` jobs packed against the edge the span sees.
 */
function worstSliding({ max, duration }: { max: number; duration: number }, spanMs: number): number {
  return (Math.ceil(spanMs / duration) + 1) * max;
}

describe("limiterFor", () => {
  it.each([61, 100, 600, 3_500, 10_000, 90_000])(
    "%i rpm: no sliding minute over the limit, no sliding 10 s over about a sixth",
    (rpm) => {
      const window = limiterFor({ requestsPerMinute: rpm });
      expect(worstSliding(window, 60_000)).toBeLessThanOrEqual(rpm);
      expect(worstSliding(window, 10_000)).toBeLessThanOrEqual(Math.ceil(rpm * 0.19));
    },
  );

  it("600 rpm is 9 jobs a second", () => {
    expect(limiterFor({ requestsPerMinute: 600 })).toEqual({ max: 9, duration: 1_000 });
  });

  it("under 61 rpm, one job per window long enough to keep a sliding minute under the limit", () => {
    for (const rpm of [2, 10, 30, 60]) {
      const window = limiterFor({ requestsPerMinute: rpm });
      expect(window.max).toBe(1);
      expect(worstSliding(window, 60_000)).toBeLessThanOrEqual(rpm);
    }
  });

  it("rejects a limit under 1 with a ConfigurationError naming the field", () => {
    expect(() => limiterFor({ requestsPerMinute: 0 })).toThrow(ConfigurationError);
    expect(() => limiterFor({ requestsPerMinute: Number.NaN })).toThrow(/rateLimit\.requestsPerMinute/);
  });
});
