import { describe, expect, it } from "vitest";
import { validatorFor } from "./__fixtures__/schema-validate.js";
import { generateFromPattern, sampleFromSchema, violateSchema } from "./schema-sample.js";

const ctx = { answer: "2 + 2 = 4", answerNumber: 4, topic: "What is 2+2" };

const cases: Array<[string, Record<string, unknown>]> = [
  [
    "plain object",
    {
      type: "object",
      properties: { answer: { type: "string" }, confidence: { type: "number", minimum: 0, maximum: 1 } },
      required: ["answer", "confidence"],
    },
  ],
  [
    "nullable via type array",
    {
      type: "object",
      properties: { note: { type: ["string", "null"] }, n: { type: ["null", "integer"] } },
      required: ["note", "n"],
      additionalProperties: false,
    },
  ],
  [
    "enum and const",
    {
      type: "object",
      properties: { color: { enum: ["red", "green"] }, kind: { const: "fixed" }, level: { type: "integer", enum: [3, 5] } },
      required: ["color", "kind", "level"],
    },
  ],
  [
    "anyOf / oneOf",
    {
      type: "object",
      properties: {
        a: { anyOf: [{ type: "null" }, { type: "string", minLength: 3 }] },
        b: { oneOf: [{ type: "integer", minimum: 10 }, { type: "boolean" }] },
      },
      required: ["a", "b"],
    },
  ],
  [
    "$ref and $defs",
    {
      $defs: {
        Item: {
          type: "object",
          properties: { name: { type: "string" }, qty: { type: "integer", minimum: 1 } },
          required: ["name", "qty"],
        },
      },
      type: "object",
      properties: { items: { type: "array", items: { $ref: "#/$defs/Item" }, minItems: 2 } },
      required: ["items"],
    },
  ],
  [
    "definitions (draft-07 style refs)",
    {
      definitions: { Tag: { type: "string", maxLength: 4 } },
      type: "object",
      properties: { tag: { $ref: "#/definitions/Tag" } },
      required: ["tag"],
    },
  ],
  [
    "recursive tree",
    {
      $defs: {
        Node: {
          type: "object",
          properties: { value: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/Node" } } },
          required: ["value", "children"],
        },
      },
      $ref: "#/$defs/Node",
    },
  ],
  [
    "record (additionalProperties schema)",
    { type: "object", additionalProperties: { type: "number", exclusiveMinimum: 0 }, minProperties: 2 },
  ],
  ["prefixItems tuple", { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }], items: false, minItems: 2 }],
  [
    "array bounds",
    {
      type: "object",
      properties: {
        none: { type: "array", items: { type: "string" }, maxItems: 0 },
        many: { type: "array", items: { type: "integer" }, minItems: 3, maxItems: 3, uniqueItems: true },
      },
      required: ["none", "many"],
    },
  ],
  [
    "numeric bounds",
    {
      type: "object",
      properties: {
        score: { type: "number", minimum: 0, maximum: 0.5 },
        pct: { type: "integer", minimum: 10, maximum: 20, multipleOf: 5 },
        pos: { type: "number", exclusiveMinimum: 100 },
        neg: { type: "integer", exclusiveMaximum: -3 },
        tiny: { type: "number", minimum: 0.001, maximum: 0.002 },
      },
      required: ["score", "pct", "pos", "neg", "tiny"],
    },
  ],
  [
    "string lengths and pattern",
    {
      type: "object",
      properties: {
        code: { type: "string", pattern: "^[A-Z]{3}-\\d{4}$" },
        short: { type: "string", maxLength: 3 },
        long: { type: "string", minLength: 80 },
        slug: { type: "string", pattern: "^[a-z0-9]+(?:-[a-z0-9]+)*$" },
      },
      required: ["code", "short", "long", "slug"],
    },
  ],
  [
    "formats",
    {
      type: "object",
      properties: {
        at: { type: "string", format: "date-time" },
        day: { type: "string", format: "date" },
        email: { type: "string", format: "email" },
        site: { type: "string", format: "uri" },
        id: { type: "string", format: "uuid" },
      },
      required: ["at", "day", "email", "site", "id"],
    },
  ],
  [
    "allOf",
    {
      allOf: [
        { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
        { properties: { b: { type: "boolean" } }, required: ["b"] },
      ],
    },
  ],
  ["top-level scalar", { type: "integer", minimum: 7 }],
  [
    "zod-style output (2020-12)",
    {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        answer: { type: "string" },
        sources: { type: "array", items: { type: "string", format: "uri" } },
        meta: {
          type: "object",
          properties: { lang: { type: "string", enum: ["en", "fr"] } },
          required: ["lang"],
          additionalProperties: false,
        },
      },
      required: ["answer", "sources", "meta"],
      additionalProperties: false,
    },
  ],
  ["untyped property", { type: "object", properties: { anything: {} }, required: ["anything"] }],
];

describe("sampleFromSchema", () => {
  it.each(cases)("answers a value valid for: %s", (_name, schema) => {
    const value = sampleFromSchema(schema, ctx);
    expect(validatorFor(schema)(value)).toEqual([]);
    expect(sampleFromSchema(schema, ctx)).toEqual(value);
  });

  it("puts the answer into answer-like fields and 0.9 into confidence", () => {
    const value = sampleFromSchema(
      {
        type: "object",
        properties: {
          summary: { type: "string" },
          confidence: { type: "number", minimum: 0, maximum: 1 },
          result: { type: "integer" },
          probability: { type: "number", maximum: 0.5 },
        },
      },
      ctx,
    ) as Record<string, unknown>;
    expect(value).toEqual({ summary: "2 + 2 = 4", confidence: 0.9, result: 4, probability: 0.5 });
  });

  it("generates strings for simple patterns", () => {
    expect(generateFromPattern("^[A-Z]{3}-\\d{4}$")).toMatch(/^[A-Z]{3}-\d{4}$/);
    expect(generateFromPattern("^(foo|bar)_[0-9]+$")).toMatch(/^(foo|bar)_[0-9]+$/);
  });
});

describe("violateSchema", () => {
  it.each(
    cases.filter(([, s]) => (s.type === "object" && Array.isArray(s.required)) || s.$ref !== undefined || s.allOf !== undefined),
  )("breaks: %s", (_name, schema) => {
    const value = violateSchema(schema, sampleFromSchema(schema, ctx));
    expect(validatorFor(schema)(value)).not.toEqual([]);
  });
});
