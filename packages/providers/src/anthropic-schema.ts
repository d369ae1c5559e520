// Lowers a JSON Schema to the subset Anthropic's structured outputs (strict tools and
// output_config.format) accept: the shared walker under Anthropic's rules
// (anthropic-schema-rules.ts). Constraints the API rejects are not dropped silently: they move into
// the description, and the agent validates the answer against the original schema.
import type { JsonSchema } from "@kaizen/contracts";
import { ANTHROPIC_SCHEMA_RULES } from "./anthropic-schema-rules.js";
import { lowerSchema } from "./lower-schema.js";

export interface LoweredSchema {
  schema: JsonSchema;
  /** Keywords moved into descriptions, as JSON paths like "properties.confidence.maximum". */
  moved: string[];
}

/** Builds the Anthropic-ready copy of `schema` and reports what moved. */
export function lowerSchemaForAnthropic(schema: JsonSchema): LoweredSchema {
  const { schema: lowered, moved } = lowerSchema(schema, ANTHROPIC_SCHEMA_RULES);
  const isObject = typeof lowered === "object" && lowered !== null && !Array.isArray(lowered);
  return { schema: isObject ? (lowered as JsonSchema) : { type: "object" }, moved };
}
