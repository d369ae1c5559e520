// Lowers a JSON Schema to the subset Anthropic's structured outputs (strict tools and
// output_config.format) accept. Constraints the API rejects (numeric bounds, string and array
// lengths, most formats, ...) are not dropped silently: they move into the description, where the
// model still reads them, and the agent validates the answer against the original schema.
// The caller's schema is never mutated: the lowering builds a new tree.
import type { JsonSchema } from "@kaizen/contracts";

const STRING_FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"]);
// Annotation keywords that constrain nothing and would only add noise to a description.
const DROPPED = new Set(["$schema", "$id", "$comment", "examples", "default", "title", "readOnly", "writeOnly", "deprecated"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

// zod writes the safe-integer range on every z.int(): implied by "integer", not worth a note.
function isImpliedIntegerBound(key: string, value: unknown, type: unknown): boolean {
  return (
    type === "integer" &&
    ((key === "minimum" && value === Number.MIN_SAFE_INTEGER) || (key === "maximum" && value === Number.MAX_SAFE_INTEGER))
  );
}

export interface LoweredSchema {
  schema: JsonSchema;
  /** Keywords moved into descriptions, as JSON paths like "properties.confidence.maximum". */
  moved: string[];
}

/** Builds the Anthropic-ready copy of `schema` and reports what moved. */
export function lowerSchemaForAnthropic(schema: JsonSchema): LoweredSchema {
  const moved: string[] = [];
  const lowered = lowerNode(schema, "", moved);
  return { schema: isObject(lowered) ? lowered : { type: "object" }, moved };
}

function lowerNode(node: unknown, path: string, moved: string[]): unknown {
  if (!isObject(node)) return node; // `true`/`false` schemas pass through
  const out: Record<string, unknown> = {};
  const notes: string[] = [];
  const at = (key: string) => (path ? `${path}.${key}` : key);
  const move = (key: string, value: unknown) => {
    notes.push(`${key}: ${JSON.stringify(value)}`);
    moved.push(at(key));
  };
  const type = node["type"];
  const types = Array.isArray(type) ? type : [type];

  for (const [key, value] of Object.entries(node)) {
    switch (key) {
      case "type":
      case "required":
      case "$ref":
        out[key] = value;
        break;
      case "description":
        break; // added below, with the notes
      case "enum":
      case "const":
        if (key === "const" ? isPrimitive(value) : Array.isArray(value) && value.every(isPrimitive)) out[key] = value;
        else move(key, value);
        break;
      case "$defs":
      case "definitions":
      case "properties":
        if (isObject(value)) {
          out[key] = Object.fromEntries(
            Object.entries(value).map(([name, sub]) => [name, lowerNode(sub, at(`${key}.${name}`), moved)]),
          );
        }
        break;
      case "items":
        out[key] = lowerNode(value, at(key), moved);
        break;
      case "anyOf":
      case "allOf":
      case "oneOf":
        // oneOf ("exactly one") is not supported; anyOf is the closest the API has.
        if (Array.isArray(value)) {
          const target = key === "oneOf" ? "anyOf" : key;
          out[target] = value.map((sub, i) => lowerNode(sub, at(`${key}.${i}`), moved));
        }
        break;
      case "additionalProperties":
        break; // always false below: the API requires closed objects
      case "format":
        if (types.includes("string") && typeof value === "string" && STRING_FORMATS.has(value)) out[key] = value;
        else move(key, value);
        break;
      case "minItems":
        // Only 0 and 1 are accepted.
        if (value === 0 || value === 1) out[key] = value;
        else move(key, value);
        break;
      default:
        if (DROPPED.has(key) || isImpliedIntegerBound(key, value, type)) break;
        move(key, value);
    }
  }

  if (types.includes("object") || isObject(node["properties"])) {
    if (!("properties" in out)) out["properties"] = {};
    out["additionalProperties"] = false;
  }
  const description = typeof node["description"] === "string" ? node["description"] : undefined;
  if (notes.length > 0) {
    const constraint = `{${notes.join(", ")}}`;
    out["description"] = description ? `${description}\n\n${constraint}` : constraint;
  } else if (description !== undefined) {
    out["description"] = description;
  }
  return out;
}
