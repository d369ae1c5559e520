import { describe, expect, it } from "vitest";
import { KaizenError } from "@kaizen/contracts";
import { currentTime, TimeZoneError } from "./current-time.js";

const instant = new Date("2026-01-15T12:34:56.789Z");

describe("currentTime", () => {
  it("defaults to UTC", () => {
    expect(currentTime(undefined, instant)).toEqual({
      iso: "2026-01-15T12:34:56.789Z",
      timeZone: "UTC",
      local: "2026-01-15 12:34:56",
      weekday: "Thursday",
      utcOffset: "+00:00",
    });
  });

  it("reads the wall clock of an IANA zone, with its offset at that instant (summer time included)", () => {
    expect(currentTime("Europe/Paris", instant)).toMatchObject({ local: "2026-01-15 13:34:56", utcOffset: "+01:00" });
    expect(currentTime("Europe/Paris", new Date("2026-07-15T12:00:00Z"))).toMatchObject({ utcOffset: "+02:00" });
    expect(currentTime("America/New_York", instant)).toMatchObject({ local: "2026-01-15 07:34:56", utcOffset: "-05:00" });
    expect(currentTime("Asia/Kolkata", instant)).toMatchObject({ local: "2026-01-15 18:04:56", utcOffset: "+05:30" });
    expect(currentTime("Pacific/Kiritimati", instant)).toMatchObject({ local: "2026-01-16 02:34:56", weekday: "Friday" });
  });

  it("uses the real clock by default", () => {
    const before = Date.now();
    const now = Date.parse(currentTime().iso);
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it("refuses a zone Intl does not know, naming the field and valid names", () => {
    let thrown: unknown;
    try {
      currentTime("Mars/Olympus_Mons", instant);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TimeZoneError);
    expect(thrown).toBeInstanceOf(KaizenError);
    expect(thrown).toMatchObject({ code: "invalid_time_zone", field: "timeZone" });
    expect((thrown as Error).message).toMatch(/"Mars\/Olympus_Mons" is not an IANA time zone.*Europe\/Paris/);
  });
});
