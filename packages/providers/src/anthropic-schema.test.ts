import { describe, expect, it } from "vitest";
import { lowerSchemaForAnthropic } from "./anthropic-schema.js";

const REJECTED = [
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "maxItems",
  "uniqueItems",
  "oneOf",
];

function keysDeep(node: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => keysDeep(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      out.add(k);
      if (k !== "description") keysDeep(v, out);
    }
  }
  return out;
}

describe("lowerSchemaForAnthropic", () => {
  const schema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      answer: { type: "string", description: "Detailed answer", minLength: 1, maxLength: 500 },
      confidence: { type: "number", minimum: 0, maximum: 1 },
      count: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 },
      tags: { type: "array", items: { type: "string", format: "hostname" }, minItems: 2, maxItems: 5, uniqueItems: true },
      email: { type: "string", format: "email" },
      code: { type: "string", format: "ipv5-ish" },
      choice: { oneOf: [{ type: "string" }, { type: "number", multipleOf: 5 }] },
      nested: { type: "object", properties: { x: { type: "number", exclusiveMinimum: 0 } }, required: ["x"] },
    },
    required: ["answer", "confidence"],
    additionalProperties: false,
  };

  it("moves rejected keywords into descriptions and closes every object", () => {
    const original = structuredClone(schema);
    const { schema: lowered, moved } = lowerSchemaForAnthropic(schema);
    expect(schema).toEqual(original); // the caller's schema is untouched
    const keys = keysDeep(lowered);
    for (const keyword of REJECTED) expect(keys.has(keyword)).toBe(false);
    expect(keys.has("$schema")).toBe(false);

    const props = lowered["properties"] as Record<string, Record<string, unknown>>;
    expect(props["answer"]?.["description"]).toBe("Detailed answer\n\n{minLength: 1, maxLength: 500}");
    expect(props["confidence"]).toEqual({ type: "number", description: "{minimum: 0, maximum: 1}" });
    // zod's implied safe-integer bounds carry no information: dropped, not described
    expect(props["count"]).toEqual({ type: "integer" });
    expect(props["tags"]?.["description"]).toBe("{minItems: 2, maxItems: 5, uniqueItems: true}");
    expect((props["tags"]?.["items"] as Record<string, unknown>)["format"]).toBe("hostname");
    expect(props["email"]?.["format"]).toBe("email");
    expect(props["code"]).toEqual({ type: "string", description: '{format: "ipv5-ish"}' });
    expect(props["choice"]?.["anyOf"]).toEqual([{ type: "string" }, { type: "number", description: "{multipleOf: 5}" }]);
    expect(props["nested"]).toEqual({
      type: "object",
      properties: { x: { type: "number", description: "{exclusiveMinimum: 0}" } },
      required: ["x"],
      additionalProperties: false,
    });
    expect(lowered["additionalProperties"]).toBe(false);
    expect(lowered["required"]).toEqual(["answer", "confidence"]);
    expect(moved).toEqual(
      expect.arrayContaining([
        "properties.confidence.minimum",
        "properties.tags.maxItems",
        "properties.nested.properties.x.exclusiveMinimum",
      ]),
    );
  });

  it("keeps minItems 0 and 1, nullable anyOf, enums and $defs references", () => {
    const { schema: lowered, moved } = lowerSchemaForAnthropic({
      type: "object",
      properties: {
        list: { type: "array", items: { $ref: "#/$defs/item" }, minItems: 1 },
        maybe: { anyOf: [{ type: "string" }, { type: "null" }] },
        kind: { type: "string", enum: ["a", "b"] },
      },
      $defs: { item: { type: "object", properties: { id: { type: "string" } } } },
    });
    expect(moved).toEqual([]);
    expect(lowered).toEqual({
      type: "object",
      properties: {
        list: { type: "array", items: { $ref: "#/$defs/item" }, minItems: 1 },
        maybe: { anyOf: [{ type: "string" }, { type: "null" }] },
        kind: { type: "string", enum: ["a", "b"] },
      },
      $defs: { item: { type: "object", properties: { id: { type: "string" } }, additionalProperties: false } },
      additionalProperties: false,
    });
  });
});
