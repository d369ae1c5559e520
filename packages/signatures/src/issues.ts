import type { z } from "zod";
import type { OutputIssue } from "./errors.js";
import { describeReceived, formatPath, truncate } from "./describe-value.js";

type Issue = z.core.$ZodIssue;
type Path = (string | number)[];

const TYPE_NAMES: Record<string, string> = {
  int: "integer",
  record: "object",
  nan: "NaN",
};

function literal(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  return JSON.stringify(value) ?? String(value);
}

function normalisePath(path: readonly PropertyKey[]): Path {
  return path.map((p) => (typeof p === "number" ? p : String(p)));
}

/** The value at `path` inside `data`, and whether the last key was present at all. */
function valueAt(data: unknown, path: Path): { value: unknown; present: boolean } {
  let current: unknown = data;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return { value: undefined, present: false };
    if (!Object.prototype.hasOwnProperty.call(current, key)) return { value: undefined, present: false };
    current = (current as Record<string | number, unknown>)[key];
  }
  return { value: current, present: true };
}

function bound(
  issue: { origin: string; inclusive?: boolean; exact?: boolean },
  value: number | bigint | Date | string,
  big: boolean,
): string {
  const n = value instanceof Date ? value.toISOString() : String(value);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "string":
      if (issue.exact) return `string of exactly ${n} characters`;
      return big
        ? `string of at most ${n} characters`
        : n === "1" && inclusive
          ? "non-empty string"
          : `string of at least ${n} characters`;
    case "array":
    case "set":
      if (issue.exact) return `${issue.origin} of exactly ${n} items`;
      return big ? `${issue.origin} of at most ${n} items` : `${issue.origin} of at least ${n} item${n === "1" ? "" : "s"}`;
    default: {
      const op = big ? (inclusive ? "<=" : "<") : inclusive ? ">=" : ">";
      const kind = issue.origin === "int" ? "integer" : issue.origin;
      return `${kind} ${op} ${n}`;
    }
  }
}

function expectedOf(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      return TYPE_NAMES[issue.expected] ?? issue.expected;
    case "too_big":
      return bound(issue, issue.maximum as number | bigint, true);
    case "too_small":
      return bound(issue, issue.minimum as number | bigint, false);
    case "invalid_value":
      return issue.values.length === 1 ? literal(issue.values[0]) : `one of ${issue.values.map(literal).join(" | ")}`;
    case "invalid_format":
      if (issue.format === "regex" && "pattern" in issue && typeof issue.pattern === "string") {
        return `string matching ${issue.pattern}`;
      }
      return `string in ${issue.format} format`;
    case "not_multiple_of":
      return `multiple of ${String(issue.divisor)}`;
    case "unrecognized_keys":
      return "no keys besides the ones in the schema";
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options) && options.length > 0) {
        return options.length === 1 ? literal(options[0]) : `one of ${options.map(literal).join(" | ")}`;
      }
      const branches = new Set<string>();
      for (const branch of issue.errors) {
        const top = branch.find((inner) => inner.path.length === 0);
        if (top) branches.add(expectedOf(top));
      }
      if (branches.size > 0) return [...branches].join(" | ");
      return "a value matching one of the allowed shapes";
    }
    case "invalid_key":
      return "valid keys";
    case "invalid_element":
      return "valid elements";
    case "custom":
      return issue.message;
    default:
      return (issue as { message: string }).message;
  }
}

/**
 * A union whose value had the right type for one branch (that branch failed only deeper down, e.g. a wrong
 * field inside the object) is best explained by that branch's own issues; "expected array" from another
 * branch would send the model the wrong way. Other issues pass through.
 */
function expandUnions(issues: readonly Issue[], prefix: Path): Array<{ issue: Issue; path: Path }> {
  const out: Array<{ issue: Issue; path: Path }> = [];
  for (const issue of issues) {
    const path = [...prefix, ...normalisePath(issue.path)];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const matched = issue.errors.filter((branch) => branch.length > 0 && branch.every((inner) => inner.path.length > 0));
      if (matched.length > 0) {
        const closest = matched.reduce((a, b) => (b.length < a.length ? b : a));
        out.push(...expandUnions(closest, path));
        continue;
      }
    }
    out.push({ issue, path });
  }
  return out;
}

/**
 * Converts zod issues into OutputIssues about `data` (the object that was validated). `fieldTypes` gives the
 * rendered type of each top-level field: zod reports `expected string` for a `z.string().nullable()` that got a
 * number, while `string | null` is what the model needs to hear.
 */
export function toOutputIssues(
  issues: readonly Issue[],
  data: unknown,
  fieldTypes: Readonly<Record<string, string>> = {},
): OutputIssue[] {
  return expandUnions(issues, []).map(({ issue, path }) => {
    const where = formatPath(path);
    const { value, present } = valueAt(data, path);
    const fieldType = path.length === 1 ? fieldTypes[String(path[0])] : undefined;
    const expected = issue.code === "invalid_type" && fieldType !== undefined ? fieldType : expectedOf(issue);
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(", ");
      return {
        path,
        expected,
        received: `keys ${keys}`,
        message: `${where}: unexpected key${issue.keys.length === 1 ? "" : "s"} ${keys}; remove ${issue.keys.length === 1 ? "it" : "them"}`,
      };
    }
    if (!present && issue.code === "invalid_type") {
      return {
        path,
        expected,
        received: "nothing (missing)",
        message: `${where}: required field is missing (expected ${expected})`,
      };
    }
    const received = present ? describeReceived(value) : "nothing (missing)";
    if (issue.code === "custom") {
      return { path, expected, received, message: `${where}: ${truncate(issue.message, 200)} (received ${received})` };
    }
    return { path, expected, received, message: `${where}: expected ${expected}, received ${received}` };
  });
}
