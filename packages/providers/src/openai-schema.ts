// Lowers a canonical JSON Schema (as zod's z.toJSONSchema writes it) to what OpenAI's strict
// structured outputs accept, and maps the answer back. The lowering is the shared walker under
// OpenAI's rules (openai-schema-rules.ts): optional properties become required-but-nullable, and a
// null the model sends for one is removed again from `parsed` here. Keywords strict mode rejects
// move into the description; the agent still validates the answer against the original schema,
// so nothing is lost but the API-side guarantee.
import type { JsonSchema } from "@kaizen/contracts";
import { SchemaNotLowerableError, lowerSchema } from "./lower-schema.js";
import { OPENAI_STRICT_SCHEMA_RULES, STRICT_MAX_ENUM_VALUES, STRICT_MAX_PROPERTIES } from "./openai-schema-rules.js";

export type StrictLowering =
  | {
      ok: true;
      schema: JsonSchema;
      original: JsonSchema;
      /** Whether any optional property was made required-but-nullable (else answers need no restoring). */
      madeNullable: boolean;
    }
  | { ok: false; reason: string; original: JsonSchema };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function lowerUncached(schema: JsonSchema): StrictLowering {
  try {
    if (schema.type !== "object") return { ok: false, reason: "the root is not an object", original: schema };
    const { schema: lowered, state } = lowerSchema(schema, OPENAI_STRICT_SCHEMA_RULES);
    if (state.properties > STRICT_MAX_PROPERTIES)
      throw new SchemaNotLowerableError(`more than ${STRICT_MAX_PROPERTIES} properties`, "");
    if (state.enumValues > STRICT_MAX_ENUM_VALUES)
      throw new SchemaNotLowerableError(`more than ${STRICT_MAX_ENUM_VALUES} enum values`, "");
    return { ok: true, schema: lowered as JsonSchema, original: schema, madeNullable: state.nullable > 0 };
  } catch (error) {
    if (error instanceof SchemaNotLowerableError) return { ok: false, reason: error.reason, original: schema };
    throw error;
  }
}

// Schemas are long-lived (cached per signature), so lowering happens once per schema object.
const cache = new WeakMap<object, StrictLowering>();

/** Lowers `schema` for strict mode, or says why it cannot be (then use json_object). Cached. */
export function lowerToStrictSchema(schema: JsonSchema): StrictLowering {
  let result = cache.get(schema);
  if (!result) {
    result = lowerUncached(schema);
    cache.set(schema, result);
  }
  return result;
}

function resolveRef(root: JsonSchema, ref: unknown): JsonSchema | undefined {
  if (typeof ref !== "string" || !ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) {
    if (!isObject(node)) return undefined;
    node = node[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return isObject(node) ? node : undefined;
}

function allowsNull(schema: JsonSchema, root: JsonSchema): boolean {
  if (schema.type === "null" || (Array.isArray(schema.type) && schema.type.includes("null"))) return true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) return true;
  if ("const" in schema && schema.const === null) return true;
  const union = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(union)) return union.some((b) => isObject(b) && allowsNull(b, root));
  const target = resolveRef(root, schema.$ref);
  return target ? allowsNull(target, root) : false;
}

function restoreNode(value: unknown, schema: JsonSchema, root: JsonSchema, depth: number): unknown {
  if (depth > 64) return value;
  const target = schema.$ref !== undefined ? resolveRef(root, schema.$ref) : undefined;
  if (target) return restoreNode(value, target, root, depth + 1);
  if (Array.isArray(value)) {
    const items = schema.items;
    return isObject(items) ? value.map((v) => restoreNode(v, items, root, depth + 1)) : value;
  }
  if (isObject(value)) {
    const union = (schema.anyOf ?? schema.oneOf) as unknown;
    if (Array.isArray(union)) {
      // The branch whose declared properties cover the value's keys; ambiguous values stay as they are.
      const branch = union.find(
        (b): b is JsonSchema =>
          isObject(b) && isObject(b.properties) && Object.keys(value).every((k) => k in (b.properties as object)),
      );
      return branch ? restoreNode(value, branch, root, depth + 1) : value;
    }
    if (!isObject(schema.properties)) return value;
    const props = schema.properties;
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const propSchema = props[key];
      if (!isObject(propSchema)) {
        out[key] = v;
        continue;
      }
      // Strict mode made this optional property nullable; the model's null means "absent".
      if (v === null && !required.has(key) && !allowsNull(propSchema, root)) continue;
      out[key] = restoreNode(v, propSchema, root, depth + 1);
    }
    return out;
  }
  return value;
}

/** Maps a strict-mode answer back to the original schema's shape (null for optional -> absent). */
export function restoreOptionalProperties(value: unknown, original: JsonSchema): unknown {
  return restoreNode(value, original, original, 0);
}
