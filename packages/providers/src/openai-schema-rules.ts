// OpenAI's strict structured outputs, as rules for the lowering walker (lower-schema.ts). Strict
// mode wants every object closed (additionalProperties: false) with every property required, so
// an optional property becomes required-but-nullable. Keywords it rejects and that cannot move
// into words safely (allOf, not, if/then/else, ...) reject the schema: the caller then uses the
// json_object fallback. Limits and formats per the OpenAI structured outputs guide.
import type { JsonSchema } from "@kaizen/contracts";
import type { SchemaRules } from "./lower-schema.js";

export interface StrictCounters {
  properties: number;
  enumValues: number;
  /** Optional properties made required-but-nullable. */
  nullable: number;
}

const SUPPORTED_FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"]);
export const STRICT_MAX_DEPTH = 10;
export const STRICT_MAX_PROPERTIES = 5000;
export const STRICT_MAX_ENUM_VALUES = 1000;

/** Kept as they are. */
const PASS_THROUGH = new Set([
  "type",
  "description",
  "title",
  "enum",
  "const",
  "$ref",
  "$defs",
  "definitions",
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
/** What makes a node generate something definite (else it is any/unknown, which strict mode rejects). */
const TYPE_INFO = ["type", "enum", "const", "$ref", "anyOf"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isObjectType(node: JsonSchema): boolean {
  const type = node.type;
  return (
    type === "object" || (Array.isArray(type) && type.includes("object")) || (type === undefined && isObject(node.properties))
  );
}

function isArrayType(node: JsonSchema): boolean {
  return node.type === "array" || (Array.isArray(node.type) && node.type.includes("array"));
}

/** The schema that also accepts null: how strict mode spells "optional". */
export function withNull(schema: JsonSchema): JsonSchema {
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

export const OPENAI_STRICT_SCHEMA_RULES: SchemaRules<StrictCounters> = {
  initialState: () => ({ properties: 0, enumValues: 0, nullable: 0 }),

  nonObject: (_node, ctx) => ctx.reject("a schema node is not an object (true/false schemas are not supported)"),

  enter(node, ctx) {
    if (ctx.depth > STRICT_MAX_DEPTH) ctx.reject(`nesting deeper than ${STRICT_MAX_DEPTH} levels`);
    if (!isObjectType(node)) return;
    const additional = node.additionalProperties;
    if (additional !== undefined && additional !== false) ctx.reject("an object with additionalProperties (a record/map)");
    if ((!isObject(node.properties) || Object.keys(node.properties).length === 0) && additional !== false) {
      ctx.reject("an object without declared properties");
    }
  },

  keyword(key, value, node, ctx) {
    if (DROPPED.has(key)) return "drop";
    if (UNSUPPORTED.has(key)) ctx.reject(`the keyword "${key}"`);
    switch (key) {
      case "properties":
        return isObjectType(node) ? "keep" : "drop";
      case "required":
      case "additionalProperties":
        return "drop"; // set in leave(): every object closed, every property required
      case "items":
        if (!isArrayType(node)) return "drop";
        if (Array.isArray(value)) ctx.reject("tuple items");
        return "keep";
      case "anyOf":
      case "oneOf":
        // One union per node (anyOf wins). oneOf's exclusivity cannot be enforced in strict mode;
        // anyOf is the closest it accepts, and the agent's own validation still applies the original.
        if (key === "oneOf" && node.anyOf !== undefined) return "drop";
        if (!Array.isArray(value)) ctx.reject("anyOf is not an array");
        return { as: "anyOf" };
      case "format":
        return typeof value === "string" && SUPPORTED_FORMATS.has(value) ? "keep" : "note";
      case "enum":
        if (Array.isArray(value)) ctx.state.enumValues += value.length;
        return "keep";
      default:
        // minLength, maxLength, default, examples, uniqueItems, propertyNames, ...: into the description
        return PASS_THROUGH.has(key) ? "keep" : "note";
    }
  },

  leave(out, node, ctx) {
    if (isObjectType(node)) {
      const props = isObject(out.properties) ? (out.properties as Record<string, JsonSchema>) : {};
      const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
      const loweredProps: Record<string, JsonSchema> = {};
      for (const [name, prop] of Object.entries(props)) {
        ctx.state.properties++;
        if (!required.has(name)) ctx.state.nullable++;
        loweredProps[name] = required.has(name) ? prop : withNull(prop);
      }
      out.type = node.type ?? "object";
      out.properties = loweredProps;
      out.required = Object.keys(loweredProps);
      out.additionalProperties = false;
    }
    if (isArrayType(node) && node.items === undefined) ctx.reject("an array without items");
    if (!TYPE_INFO.some((key) => key in out)) ctx.reject("a schema without a type (any/unknown)");
  },

  describe(description, notes) {
    const extra = `Constraints: ${notes.join("; ")}.`;
    return typeof description === "string" && description ? `${description} ${extra}` : extra;
  },
};
