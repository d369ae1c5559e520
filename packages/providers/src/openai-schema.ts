// Lowers a canonical JSON Schema (as zod's z.toJSONSchema writes it) to what OpenAI's strict
// structured outputs accept, and maps the answer back. Strict mode wants every object closed
// (additionalProperties: false) with every property required, so an optional property becomes
// required-but-nullable, and a null the model sends for it is removed again from `parsed`.
// Keywords strict mode rejects are moved into the description; the agent still validates the
// answer against the original schema, so nothing is lost but the API-side guarantee.
import type { JsonSchema } from "@kaizen/contracts";

export type StrictLowering =
  | {
      ok: true;
      schema: JsonSchema;
      original: JsonSchema;
      /** Whether any optional property was made required-but-nullable (else answers need no restoring). */
      madeNullable: boolean;
    }
  | { ok: false; reason: string; original: JsonSchema };

// Per the OpenAI structured outputs guide: supported string formats and limits.
const SUPPORTED_FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"]);
const MAX_DEPTH = 10;
const MAX_PROPERTIES = 5000;
const MAX_ENUM_VALUES = 1000;

/** Kept as they are. */
const PASS_THROUGH = new Set([
  "type",
  "description",
  "title",
  "enum",
  "const",
  "$ref",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
]);
/** Dropped silently: annotations with no meaning for generation. */
const DROPPED = new Set(["$schema", "$id", "$comment", "readOnly", "writeOnly", "deprecated", "contentMediaType"]);
/** Cannot be expressed in strict mode nor moved into words safely: use the json_object fallback. */
const UNSUPPORTED = new Set([
  "allOf",
  "not",
  "if",
  "then",
  "else",
  "prefixItems",
  "patternProperties",
  "dependentSchemas",
  "unevaluatedProperties",
]);

class NotStrict extends Error {}

interface Counters {
  properties: number;
  enumValues: number;
  /** Optional properties made required-but-nullable. */
  nullable: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeConstraint(key: string, value: unknown): string {
  return `${key}: ${JSON.stringify(value)}`;
}

function withNull(schema: JsonSchema): JsonSchema {
  const type = schema.type;
  const hasEnum = Array.isArray(schema.enum) || "const" in schema;
  if (!hasEnum && typeof type === "string" && type !== "null") return { ...schema, type: [type, "null"] };
  if (!hasEnum && Array.isArray(type)) return type.includes("null") ? schema : { ...schema, type: [...type, "null"] };
  if (Array.isArray(schema.anyOf)) {
    const branches = schema.anyOf as unknown[];
    if (branches.some((b) => isObject(b) && b.type === "null")) return schema;
    return { ...schema, anyOf: [...branches, { type: "null" }] };
  }
  const { description, ...rest } = schema;
  return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: "null" }] };
}

function lowerNode(node: unknown, depth: number, counters: Counters): JsonSchema {
  if (!isObject(node)) throw new NotStrict("a schema node is not an object (true/false schemas are not supported)");
  if (depth > MAX_DEPTH) throw new NotStrict(`nesting deeper than ${MAX_DEPTH} levels`);
  const out: JsonSchema = {};
  const notes: string[] = [];
  let sawTypeInfo = false;

  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key)) continue;
    if (UNSUPPORTED.has(key)) throw new NotStrict(`the keyword "${key}"`);
    switch (key) {
      case "properties":
      case "required":
      case "additionalProperties":
      case "items":
      case "anyOf":
      case "oneOf":
      case "$defs":
      case "definitions":
        break; // handled below
      case "format":
        if (typeof value === "string" && SUPPORTED_FORMATS.has(value)) out.format = value;
        else notes.push(describeConstraint(key, value));
        break;
      case "enum":
        if (Array.isArray(value)) counters.enumValues += value.length;
        out.enum = value;
        sawTypeInfo = true;
        break;
      default:
        if (PASS_THROUGH.has(key)) {
          out[key] = value;
          if (key === "type" || key === "const" || key === "$ref") sawTypeInfo = true;
        } else {
          // minLength, maxLength, default, examples, uniqueItems, propertyNames, ...
          notes.push(describeConstraint(key, value));
        }
    }
  }

  for (const defsKey of ["$defs", "definitions"] as const) {
    const defs = node[defsKey];
    if (isObject(defs)) {
      const lowered: Record<string, JsonSchema> = {};
      for (const [name, def] of Object.entries(defs)) lowered[name] = lowerNode(def, depth, counters);
      out[defsKey] = lowered;
    }
  }

  const union = (node.anyOf ?? node.oneOf) as unknown;
  if (union !== undefined) {
    if (!Array.isArray(union)) throw new NotStrict("anyOf is not an array");
    // oneOf's exclusivity cannot be enforced in strict mode; anyOf is the closest it accepts,
    // and the agent's own validation still applies the original.
    out.anyOf = union.map((branch) => lowerNode(branch, depth + 1, counters));
    sawTypeInfo = true;
  }

  const type = node.type;
  const isObjectType =
    type === "object" || (Array.isArray(type) && type.includes("object")) || (type === undefined && isObject(node.properties));
  if (isObjectType) {
    const additional = node.additionalProperties;
    if (additional !== undefined && additional !== false)
      throw new NotStrict("an object with additionalProperties (a record/map)");
    if (!isObject(node.properties) || Object.keys(node.properties).length === 0) {
      if (additional !== false) throw new NotStrict("an object without declared properties");
    }
    const props = isObject(node.properties) ? node.properties : {};
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    const loweredProps: Record<string, JsonSchema> = {};
    for (const [name, prop] of Object.entries(props)) {
      counters.properties++;
      const lowered = lowerNode(prop, depth + 1, counters);
      if (!required.has(name)) counters.nullable++;
      loweredProps[name] = required.has(name) ? lowered : withNull(lowered);
    }
    out.type = type ?? "object";
    out.properties = loweredProps;
    out.required = Object.keys(loweredProps);
    out.additionalProperties = false;
    sawTypeInfo = true;
  }

  const isArrayType = type === "array" || (Array.isArray(type) && type.includes("array"));
  if (isArrayType) {
    if (node.items === undefined) throw new NotStrict("an array without items");
    if (Array.isArray(node.items)) throw new NotStrict("tuple items");
    out.items = lowerNode(node.items, depth + 1, counters);
  }

  if (!sawTypeInfo) throw new NotStrict("a schema without a type (any/unknown)");
  if (notes.length > 0) {
    const extra = `Constraints: ${notes.join("; ")}.`;
    out.description = typeof out.description === "string" && out.description ? `${out.description} ${extra}` : extra;
  }
  return out;
}

function lowerUncached(schema: JsonSchema): StrictLowering {
  try {
    if (schema.type !== "object") throw new NotStrict("the root is not an object");
    const counters: Counters = { properties: 0, enumValues: 0, nullable: 0 };
    const lowered = lowerNode(schema, 1, counters);
    if (counters.properties > MAX_PROPERTIES) throw new NotStrict(`more than ${MAX_PROPERTIES} properties`);
    if (counters.enumValues > MAX_ENUM_VALUES) throw new NotStrict(`more than ${MAX_ENUM_VALUES} enum values`);
    return { ok: true, schema: lowered, original: schema, madeNullable: counters.nullable > 0 };
  } catch (error) {
    if (error instanceof NotStrict) return { ok: false, reason: error.message, original: schema };
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
