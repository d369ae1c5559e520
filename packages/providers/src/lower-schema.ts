// The one JSON Schema lowering walker. Every vendor accepts a different subset of JSON Schema, but
// the walk is the same: visit each node once, decide per keyword whether it stays, goes, or moves
// into the description (where the model still reads it; the agent validates the answer against
// the original schema anyway), recurse into the keywords that hold subschemas, then let the
// vendor finish the node (close objects, make optional properties nullable, ...). The vendor's
// part is a rules object: `OPENAI_STRICT_SCHEMA_RULES`, `ANTHROPIC_SCHEMA_RULES`, or a user's own.
// The caller's schema is never mutated: the walk builds a new tree.
import { KaizenError, type JsonSchema } from "@kaizen/contracts";

/** What happens to one keyword of a node. */
export type KeywordVerdict =
  /** Copied; a keyword holding subschemas is copied with each subschema lowered. */
  | "keep"
  /** Left out. */
  | "drop"
  /** Left out and written into the node's description as `key: <json>` (see `describe`). */
  | "note"
  /** Kept under another name, e.g. `oneOf` as `anyOf`. */
  | { as: string };

export interface SchemaNodeContext<State> {
  /** Where the node is, as a JSON path like "properties.items.items" ("" at the root). */
  readonly path: string;
  /** 1 at the root; +1 per property, item or union branch (definitions keep their parent's depth). */
  readonly depth: number;
  /** The lowering's own state, made by `rules.initialState()` (counters, flags). */
  readonly state: State;
  /** Stops the lowering: the schema cannot be expressed under these rules. */
  reject(reason: string): never;
}

/** A vendor's part of the lowering. Only `keyword` is required. */
export interface SchemaRules<State = undefined> {
  /** Fresh state for one lowering, handed to every hook as `ctx.state`. */
  initialState?(): State;
  /** A node that is not an object (a `true`/`false` schema): what to put in its place. Default: it stays. */
  nonObject?(node: unknown, ctx: SchemaNodeContext<State>): unknown;
  /** Called before a node's keywords (e.g. to limit depth). */
  enter?(node: JsonSchema, ctx: SchemaNodeContext<State>): void;
  /** The verdict for one keyword. Subschemas of a kept keyword are lowered by the walker. */
  keyword(key: string, value: unknown, node: JsonSchema, ctx: SchemaNodeContext<State>): KeywordVerdict;
  /** Finishes a node after its keywords and subschemas: `out` is the lowered node, `node` the original. */
  leave?(out: JsonSchema, node: JsonSchema, ctx: SchemaNodeContext<State>): void;
  /** The description of a node that has notes. Default: the description, a blank line, then `{notes}`. */
  describe?(description: unknown, notes: readonly string[]): string;
}

export interface SchemaLowering<State = undefined> {
  schema: unknown;
  /** Keywords moved into descriptions, as JSON paths like "properties.confidence.maximum". */
  moved: string[];
  /** The state after the walk (what the hooks counted). */
  state: State;
}

/** The rules rejected the schema: `path` is where, `reason` what. */
export class SchemaNotLowerableError extends KaizenError {
  readonly path: string;
  readonly reason: string;
  constructor(reason: string, path: string) {
    const where = path === "" ? "at the root" : `at ${path}`;
    super(
      "schema_not_lowerable",
      `The JSON Schema cannot be lowered ${where}: ${reason}. Fix: simplify the schema there, or use rules that accept it.`,
    );
    this.reason = reason;
    this.path = path;
  }
}

// Keywords whose value holds subschemas, by shape. Everything else is a plain value.
const SCHEMA_MAPS = new Set(["properties", "$defs", "definitions"]);
const SCHEMA_LISTS = new Set(["anyOf", "oneOf", "allOf"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// A schema parsed from JSON may have a "__proto__" key: it must stay an own property, as JSON.parse
// makes it, not become the new node's prototype.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

function defaultDescribe(description: unknown, notes: readonly string[]): string {
  const constraint = `{${notes.join(", ")}}`;
  return typeof description === "string" && description ? `${description}\n\n${constraint}` : constraint;
}

/** Lowers `schema` under `rules` in one walk. Throws SchemaNotLowerableError when a rule rejects it. */
export function lowerSchema<State = undefined>(schema: unknown, rules: SchemaRules<State>): SchemaLowering<State> {
  const state = rules.initialState ? rules.initialState() : (undefined as State);
  const moved: string[] = [];
  const walk = (node: unknown, path: string, depth: number): unknown => {
    const ctx: SchemaNodeContext<State> = {
      path,
      depth,
      state,
      reject(reason: string): never {
        throw new SchemaNotLowerableError(reason, path);
      },
    };
    if (!isObject(node)) return rules.nonObject ? rules.nonObject(node, ctx) : node;
    rules.enter?.(node, ctx);
    const at = (key: string) => (path ? `${path}.${key}` : key);
    const out: JsonSchema = {};
    const notes: string[] = [];
    // Decide every keyword first, then descend: a node's own problems are reported before its children's.
    const kept: Array<[key: string, target: string, value: unknown]> = [];
    for (const [key, value] of Object.entries(node)) {
      const verdict = rules.keyword(key, value, node, ctx);
      if (verdict === "drop") continue;
      if (verdict === "note") {
        notes.push(`${key}: ${JSON.stringify(value)}`);
        moved.push(at(key));
      } else {
        kept.push([key, verdict === "keep" ? key : verdict.as, value]);
      }
    }
    for (const [key, target, value] of kept) {
      let lowered = value;
      if (SCHEMA_MAPS.has(key)) {
        if (!isObject(value)) continue;
        // Definitions are not nesting: a $ref to them adds the depth of where it is used.
        const childDepth = key === "properties" ? depth + 1 : depth;
        lowered = Object.fromEntries(
          Object.entries(value).map(([name, sub]) => [name, walk(sub, at(`${key}.${name}`), childDepth)]),
        );
      } else if (SCHEMA_LISTS.has(key)) {
        if (!Array.isArray(value)) continue;
        lowered = value.map((sub, i) => walk(sub, at(`${key}.${i}`), depth + 1));
      } else if (key === "items") {
        // A tuple (an array of schemas) is the rules' call; a single schema, `true` included, is walked.
        if (!Array.isArray(value)) lowered = walk(value, at(key), depth + 1);
      } else if ((key === "not" || key === "additionalProperties") && isObject(value)) {
        lowered = walk(value, at(key), depth + 1);
      }
      setOwn(out, target, lowered);
    }
    rules.leave?.(out, node, ctx);
    if (notes.length > 0) out["description"] = (rules.describe ?? defaultDescribe)(out["description"], notes);
    return out;
  };
  return { schema: walk(schema, "", 1), moved, state };
}
