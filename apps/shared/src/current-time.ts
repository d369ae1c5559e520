// The current-time tool's logic: now, in UTC or an IANA time zone, as both a machine-readable
// instant and the wall-clock reading a person in that zone would see.
import { KaizenError } from "@kaizen/contracts";

/** A time zone name Intl does not know; the message names the field and shows valid names. */
export class TimeZoneError extends KaizenError {
  readonly field = "timeZone";
  constructor(timeZone: string) {
    super(
      "invalid_time_zone",
      `timeZone ${JSON.stringify(timeZone)} is not an IANA time zone. Fix: use a name such as "Europe/Paris", "America/New_York" or "UTC".`,
    );
  }
}

export interface CurrentTime {
  /** The instant in UTC, ISO 8601. */
  iso: string;
  timeZone: string;
  /** The wall-clock date and time in that zone, "YYYY-MM-DD HH:mm:ss". */
  local: string;
  /** e.g. "Wednesday" */
  weekday: string;
  /** The zone's offset from UTC at that instant, e.g. "+01:00". */
  utcOffset: string;
}

/** What time it is (at `now`, by default the clock) in `timeZone` (default UTC). */
export function currentTime(timeZone = "UTC", now: Date = new Date()): CurrentTime {
  let parts: Intl.DateTimeFormatPart[];
  let resolved: string;
  try {
    const format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "long",
    });
    parts = format.formatToParts(now);
    resolved = format.resolvedOptions().timeZone;
  } catch (cause) {
    if (cause instanceof RangeError) throw new TimeZoneError(timeZone);
    throw cause;
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const local = `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")}`;
  // The offset is the wall clock read as if it were UTC, minus the real instant (whole seconds).
  const wallAsUtc = Date.UTC(
    Number(part("year")),
    Number(part("month")) - 1,
    Number(part("day")),
    Number(part("hour")),
    Number(part("minute")),
    Number(part("second")),
  );
  const offsetMinutes = Math.round((wallAsUtc - Math.floor(now.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const utcOffset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return { iso: now.toISOString(), timeZone: resolved, local, weekday: part("weekday"), utcOffset };
}
