// Connection strings carry passwords (redis://:pw@host, postgres://user:pw@host/db, ?password=pw).
// Everything that can reach an error message or a log goes through here first.

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s:]*):([^/?#@\s]*)@/gi;
const PASSWORD_PARAM = /([?&;\s](?:password|pass|pwd|sslpassword)=)([^&;\s]+)/gi;

/** Replaces the password of every URL (and `password=` parameters) in `text` with `***`. */
export function redactConnectionString(text: string): string {
  return text
    .replace(USERINFO, (_m, scheme: string, user: string, pass: string) => `${scheme}${user}:${pass ? "***" : ""}@`)
    .replace(PASSWORD_PARAM, (_m, key: string) => `${key}***`);
}

/** The password of a connection URL, so it can also be scrubbed where a driver echoes it bare. */
export function passwordOf(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const parsed = new URL(url);
    const out: string[] = [];
    if (parsed.password) out.push(parsed.password, decodeURIComponent(parsed.password));
    const param = parsed.searchParams.get("password");
    if (param) out.push(param);
    return out;
  } catch {
    return [];
  }
}
