import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OutputField, Signature, describeSignature, outputJsonSchema, parseOutputs } from "./index.js";
import { QASignature } from "./__fixtures__/qa.js";
import { TriageSignature } from "./__fixtures__/rich.js";

describe("outputJsonSchema", () => {
  it("is zod's draft 2020-12 conversion of the outputs object, with field descriptions", () => {
    expect(outputJsonSchema(new QASignature())).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        answer: { type: "string", description: "Detailed answer" },
        confidence: { type: "number", minimum: 0, maximum: 1, description: "Confidence score 0.0-1.0" },
      },
      required: ["answer", "confidence"],
      additionalProperties: false,
    });
  });

  it("covers every shape; nested descriptions reach the schema; objects are closed", () => {
    expect(outputJsonSchema(new TriageSignature())).toMatchInlineSnapshot(`
      {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "additionalProperties": false,
        "properties": {
          "assignee": {
            "description": "Team member, if known",
            "type": [
              "string",
              "null",
            ],
          },
          "category": {
            "description": "Ticket category",
            "enum": [
              "billing",
              "bug",
              "question",
            ],
            "type": "string",
          },
          "labels": {
            "additionalProperties": {
              "maximum": 1,
              "minimum": 0,
              "type": "number",
            },
            "description": "Label weights",
            "propertyNames": {
              "type": "string",
            },
            "type": "object",
          },
          "notes": {
            "description": "Internal notes",
            "type": "string",
          },
          "priority": {
            "anyOf": [
              {
                "const": "low",
                "type": "string",
              },
              {
                "const": "high",
                "type": "string",
              },
            ],
            "description": "Priority",
          },
          "score": {
            "description": "Severity",
            "maximum": 10,
            "minimum": 0,
            "type": "integer",
          },
          "suggestions": {
            "description": "Suggested replies",
            "items": {
              "additionalProperties": false,
              "properties": {
                "text": {
                  "description": "Reply text",
                  "minLength": 1,
                  "type": "string",
                },
                "tone": {
                  "description": "Tone of the reply",
                  "enum": [
                    "formal",
                    "casual",
                  ],
                  "type": "string",
                },
              },
              "required": [
                "text",
                "tone",
              ],
              "type": "object",
            },
            "maxItems": 5,
            "type": "array",
          },
          "urgent": {
            "description": "Needs a human now",
            "type": "boolean",
          },
        },
        "required": [
          "category",
          "priority",
          "urgent",
          "score",
          "suggestions",
          "assignee",
          "labels",
        ],
        "type": "object",
      }
    `);
  });

  it("lists properties in field declaration order", () => {
    const schema = outputJsonSchema(new TriageSignature()) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(Object.keys(describeSignature(new TriageSignature()).outputs));
    expect(Object.keys(schema.properties)[0]).toBe("category");
  });

  it("returns a fresh copy each call, so callers may lower it in place", () => {
    const sig = new QASignature();
    const a = outputJsonSchema(sig);
    (a.properties as Record<string, unknown>).answer = "changed";
    expect(outputJsonSchema(sig)).not.toEqual(a);
    expect(outputJsonSchema(sig)).not.toBe(outputJsonSchema(sig));
  });

  it("keeps loose objects open and uses the input side of transforms", () => {
    class Loose extends Signature {
      meta = OutputField({ description: "Anything", schema: z.looseObject({ id: z.string() }) });
      count = OutputField({ description: "Count", schema: z.string().transform((s) => s.length) });
    }
    const schema = outputJsonSchema(new Loose()) as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.meta?.additionalProperties).toEqual({});
    expect(schema.properties.count).toEqual({ type: "string", description: "Count" });
  });

  it("a field with a default is optional in the schema (the model may leave it out)", () => {
    class WithDefault extends Signature {
      mood = OutputField({ description: "Mood", schema: z.enum(["ok", "bad"]).default("ok") });
      answer = OutputField({ description: "Answer" });
    }
    const schema = outputJsonSchema(new WithDefault());
    expect(schema.required).toEqual(["answer"]);
    expect(describeSignature(new WithDefault()).outputs.mood?.optional).toBe(true);
  });
});

describe("recursive schemas", () => {
  interface TreeNode {
    value: string;
    children: TreeNode[];
  }
  const Node: z.ZodType<TreeNode> = z.lazy(() => z.object({ value: z.string(), children: z.array(Node) }));
  class Tree extends Signature {
    root = OutputField({ description: "The tree", schema: Node });
  }

  it("render once, keep their $defs, and validate at any depth", () => {
    const sig = new Tree();
    const field = describeSignature(sig).outputs.root;
    expect(field?.type).toBe("{ value: string; children: (recursive)[] }");
    expect(field?.jsonSchema.$ref).toMatch(/^#\/\$defs\//);
    expect(Object.keys(field?.jsonSchema.$defs as object)).toHaveLength(1);
    expect(outputJsonSchema(sig).$defs).toBeDefined();
    const deep = { value: "a", children: [{ value: "b", children: [{ value: 1, children: [] }] }] };
    const result = parseOutputs(sig, JSON.stringify({ root: deep }));
    expect(!result.ok && result.issues.map((i) => i.message)).toEqual([
      "root.children[0].children[0].value: expected string, received number 1",
    ]);
  });
});

describe("describeSignature field types", () => {
  it("renders a compact type for each field", () => {
    const shape = describeSignature(new TriageSignature());
    const types = Object.fromEntries(
      [...Object.values(shape.inputs), ...Object.values(shape.outputs)].map((f) => [f.name, f.type]),
    );
    expect(types).toEqual({
      ticket: "string",
      customer: '{ id: integer; plan: "free" | "pro"; tags: string[] }',
      maxSuggestions: "integer (>= 1, <= 5)",
      locale: "string",
      category: '"billing" | "bug" | "question"',
      priority: '"low" | "high"',
      urgent: "boolean",
      score: "integer (>= 0, <= 10)",
      suggestions: '{ text: string (at least 1 character); tone: "formal" | "casual" }[] (at most 5 items)',
      assignee: "string | null",
      notes: "string",
      labels: "Record<string, number (>= 0, <= 1)>",
    });
    expect(shape.inputs.locale?.optional).toBe(true);
    expect(shape.inputs.maxSuggestions).toMatchObject({ optional: true, hasDefault: true, default: 3 });
    expect(shape.outputs.notes?.optional).toBe(true);
    expect(shape.outputs.assignee?.optional).toBe(false);
    expect(shape.outputs.suggestions?.jsonSchema.description).toBe("Suggested replies");
  });
});
