// Short descriptions of values for issue messages: what the model (or caller) actually sent.

const MAX_STRING = 60;

// Issue messages quote received values and end up in logs; an API key passed in the wrong input must not.
// (The same patterns as @kaizen/contracts's redactSecrets; this package depends on zod only.)
const SECRET = /\bsk-[A-Za-z0-9_-]{8,}|\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

function redact(text: string): string {
  return text.replace(SECRET, "[redacted]");
}

export function truncate(text: string, max = MAX_STRING): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `string "0.9"`, `number 1.5`, `null`, `array of 3 items`, `object with keys a, b`. */
export function describeReceived(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      // A data: URL is an image's bytes: its length, never a slice of them, goes into messages and logs.
      if (value.startsWith("data:")) return `data: URL string (${value.length} characters)`;
      return `string ${JSON.stringify(truncate(redact(value)))}`;
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof value} ${String(value)}`;
    case "object": {
      if (Array.isArray(value)) return `array of ${value.length} item${value.length === 1 ? "" : "s"}`;
      if (value instanceof Date) return "Date";
      const keys = Object.keys(value);
      if (keys.length === 0) return "empty object";
      const shown = keys.slice(0, 6).join(", ");
      return `object with key${keys.length === 1 ? "" : "s"} ${shown}${keys.length > 6 ? ", …" : ""}`;
    }
    default:
      return typeof value;
  }
}

/** `confidence`, `items[2].name`, `(root)` for the whole object. */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) out += out === "" ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
