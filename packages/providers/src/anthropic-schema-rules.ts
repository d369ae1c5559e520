// Anthropic's structured outputs (strict tools and output_config.format), as rules for the
// lowering walker (lower-schema.ts). Nothing is rejected: constraints the API refuses (numeric
// bounds, string and array lengths, most formats, ...) move into the description, where the model
// still reads them, and every object is closed (the API requires additionalProperties: false).
import type { SchemaRules } from "./lower-schema.js";

const STRING_FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"]);
// Annotation keywords that constrain nothing and would only add noise to a description.
const DROPPED = new Set(["$schema", "$id", "$comment", "examples", "default", "title", "readOnly", "writeOnly", "deprecated"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

function typesOf(type: unknown): unknown[] {
  return Array.isArray(type) ? type : [type];
}

// zod writes the safe-integer range on every z.int(): implied by "integer", not worth a note.
function isImpliedIntegerBound(key: string, value: unknown, type: unknown): boolean {
  return (
    type === "integer" &&
    ((key === "minimum" && value === Number.MIN_SAFE_INTEGER) || (key === "maximum" && value === Number.MAX_SAFE_INTEGER))
  );
}

export const ANTHROPIC_SCHEMA_RULES: SchemaRules = {
  keyword(key, value, node) {
    switch (key) {
      case "type":
      case "required":
      case "$ref":
      case "$defs":
      case "definitions":
      case "properties":
      case "items":
      case "anyOf":
      case "allOf":
        return "keep";
      case "oneOf":
        return { as: "anyOf" }; // oneOf ("exactly one") is not supported; anyOf is the closest the API has
      case "description":
        return typeof value === "string" ? "keep" : "drop";
      case "enum":
        return Array.isArray(value) && value.every(isPrimitive) ? "keep" : "note";
      case "const":
        return isPrimitive(value) ? "keep" : "note";
      case "additionalProperties":
        return "drop"; // always false, set in leave(): the API requires closed objects
      case "format":
        return typesOf(node.type).includes("string") && typeof value === "string" && STRING_FORMATS.has(value) ? "keep" : "note";
      case "minItems":
        return value === 0 || value === 1 ? "keep" : "note"; // only 0 and 1 are accepted
      default:
        return DROPPED.has(key) || isImpliedIntegerBound(key, value, node.type) ? "drop" : "note";
    }
  },

  leave(out, node) {
    if (typesOf(node.type).includes("object") || isObject(node.properties)) {
      out.properties ??= {};
      out.additionalProperties = false;
    }
  },
};
