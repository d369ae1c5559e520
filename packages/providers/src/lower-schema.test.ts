// The walker itself: what it visits, in which order it asks, and that a user's own rules work.
import { isKaizenError, type JsonSchema } from "@kaizen/contracts";
import { describe, expect, it } from "vitest";
import { ANTHROPIC_SCHEMA_RULES } from "./anthropic-schema-rules.js";
import { SchemaNotLowerableError, lowerSchema, type SchemaRules } from "./lower-schema.js";
import { OPENAI_STRICT_SCHEMA_RULES } from "./openai-schema-rules.js";

/** Keeps everything and records each node it was asked about, as path@depth. */
function recordingRules(): { rules: SchemaRules<string[]>; visited: () => string[] } {
  let seen: string[] = [];
  const rules: SchemaRules<string[]> = {
    initialState: () => (seen = []),
    enter: (_node, ctx) => void ctx.state.push(`${ctx.path || "(root)"}@${ctx.depth}`),
    keyword: () => "keep",
  };
  return { rules, visited: () => seen };
}

const nested: JsonSchema = {
  type: "object",
  properties: {
    user: { type: "object", properties: { name: { type: "string" }, tags: { type: "array", items: { type: "string" } } } },
    pick: { anyOf: [{ type: "string" }, { $ref: "#/$defs/Node" }] },
  },
  $defs: {
    // Recursive: Node refers to itself. The walker never follows $ref, so it visits Node once.
    Node: { type: "object", properties: { value: { type: "number" }, next: { $ref: "#/$defs/Node" } } },
  },
};

describe("lowerSchema (the one lowering walker)", () => {
  it("visits every subschema once, nested objects, array items, anyOf branches and $defs, at their depth", () => {
    const { rules, visited } = recordingRules();
    const result = lowerSchema(nested, rules);
    expect(visited()).toEqual([
      "(root)@1",
      "properties.user@2",
      "properties.user.properties.name@3",
      "properties.user.properties.tags@3",
      "properties.user.properties.tags.items@4",
      "properties.pick@2",
      "properties.pick.anyOf.0@3",
      "properties.pick.anyOf.1@3",
      // definitions keep their parent's depth: a $ref adds the depth of where it is used
      "$defs.Node@1",
      "$defs.Node.properties.value@2",
      "$defs.Node.properties.next@2",
    ]);
    expect(result.schema).toEqual(nested);
    expect(result.schema).not.toBe(nested);
    expect(result.moved).toEqual([]);
  });

  it("never mutates the caller's schema", () => {
    const before = JSON.stringify(nested);
    lowerSchema(nested, ANTHROPIC_SCHEMA_RULES);
    lowerSchema(nested, OPENAI_STRICT_SCHEMA_RULES);
    expect(JSON.stringify(nested)).toBe(before);
  });

  it("drops, renames and moves keywords into the description, recording the moved paths", () => {
    const rules: SchemaRules = {
      keyword: (key) => (key === "title" ? "drop" : key === "oneOf" ? { as: "anyOf" } : key === "maxLength" ? "note" : "keep"),
    };
    const schema = {
      type: "object",
      title: "T",
      properties: { s: { type: "string", maxLength: 3, description: "short" }, u: { oneOf: [{ type: "string", maxLength: 9 }] } },
    };
    expect(lowerSchema(schema, rules)).toEqual({
      schema: {
        type: "object",
        properties: {
          s: { type: "string", description: "short\n\n{maxLength: 3}" },
          u: { anyOf: [{ type: "string", description: "{maxLength: 9}" }] },
        },
      },
      moved: ["properties.s.maxLength", "properties.u.oneOf.0.maxLength"],
      state: undefined,
    });
  });

  it("asks about all of a node's keywords before its children: the node's own problem is reported first", () => {
    const asked: string[] = [];
    const rules: SchemaRules = {
      keyword: (key, _value, _node, ctx) => {
        asked.push(`${ctx.path}:${key}`);
        if (key === "pattern") ctx.reject("no patterns");
        return "keep";
      },
    };
    const schema = { properties: { a: { pattern: "child" } }, pattern: "parent" };
    expect(() => lowerSchema(schema, rules)).toThrow(/at the root: no patterns/);
    expect(asked).toEqual([":properties", ":pattern"]);
  });

  it('keeps a "__proto__" key as an own property, never as the prototype', () => {
    const schema = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}},"__proto__":{"x":1}}') as JsonSchema;
    const lowered = lowerSchema(schema, { keyword: () => "keep" }).schema as Record<string, unknown>;
    expect(Object.getPrototypeOf(lowered)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(lowered, "__proto__")).toBe(true);
    expect(Object.keys(lowered["properties"] as object)).toEqual(["__proto__"]);
  });

  it("a rejection is a KaizenError naming where and what", () => {
    const rules: SchemaRules = { keyword: (key, _v, _n, ctx) => (key === "not" ? ctx.reject('the keyword "not"') : "keep") };
    let caught: unknown;
    try {
      lowerSchema({ type: "object", properties: { a: { not: { type: "string" } } } }, rules);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SchemaNotLowerableError);
    expect(isKaizenError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: "schema_not_lowerable", path: "properties.a", reason: 'the keyword "not"' });
    expect((caught as Error).message).toContain("at properties.a");
  });

  it("a user's own rules object: a vendor that wants closed objects, no formats and integer bounds in words", () => {
    interface Counts {
      objects: number;
    }
    const myVendor: SchemaRules<Counts> = {
      initialState: () => ({ objects: 0 }),
      nonObject: () => ({}), // `true` schemas become "anything" objects the vendor accepts
      keyword(key, value, node) {
        if (key === "format") return "drop";
        if ((key === "minimum" || key === "maximum") && node.type === "integer") return "note";
        return key === "additionalProperties" ? "drop" : "keep";
      },
      leave(out, node, ctx) {
        if (node.type !== "object") return;
        ctx.state.objects++;
        out.additionalProperties = false;
      },
      describe: (description, notes) => `${typeof description === "string" ? `${description} ` : ""}(${notes.join("; ")})`,
    };
    const schema = {
      type: "object",
      additionalProperties: true,
      properties: {
        when: { type: "string", format: "date" },
        n: { type: "integer", minimum: 1, maximum: 5, description: "Count" },
        any: true,
        box: { type: "object", properties: { inner: { type: "integer", maximum: 2 } } },
      },
    };
    const result = lowerSchema(schema, myVendor);
    expect(result.schema).toEqual({
      type: "object",
      properties: {
        when: { type: "string" },
        n: { type: "integer", description: "Count (minimum: 1; maximum: 5)" },
        any: {},
        box: {
          type: "object",
          properties: { inner: { type: "integer", description: "(maximum: 2)" } },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    });
    expect(result.state).toEqual({ objects: 2 });
    expect(result.moved).toEqual(["properties.n.minimum", "properties.n.maximum", "properties.box.properties.inner.maximum"]);
  });

  it("a user can extend a built-in rules object", () => {
    const noTitles: SchemaRules = {
      ...ANTHROPIC_SCHEMA_RULES,
      keyword: (key, value, node, ctx) => (key === "pattern" ? "keep" : ANTHROPIC_SCHEMA_RULES.keyword(key, value, node, ctx)),
    };
    const schema = { type: "object", properties: { code: { type: "string", pattern: "^[A-Z]+$", maxLength: 4 } } };
    expect(lowerSchema(schema, noTitles).schema).toEqual({
      type: "object",
      properties: { code: { type: "string", pattern: "^[A-Z]+$", description: "{maxLength: 4}" } },
      additionalProperties: false,
    });
  });

  it("under OpenAI's strict rules, recursion through $defs is fine but nesting past 10 levels is rejected", () => {
    const strict = lowerSchema(nested, OPENAI_STRICT_SCHEMA_RULES);
    expect((strict.schema as JsonSchema).$defs).toEqual({
      Node: {
        type: "object",
        properties: { value: { type: ["number", "null"] }, next: { anyOf: [{ $ref: "#/$defs/Node" }, { type: "null" }] } },
        required: ["value", "next"],
        additionalProperties: false,
      },
    });
    let deep: JsonSchema = { type: "string" };
    for (let i = 0; i < 10; i++) deep = { type: "object", properties: { x: deep }, required: ["x"] };
    expect(() => lowerSchema(deep, OPENAI_STRICT_SCHEMA_RULES)).toThrow(/nesting deeper than 10 levels/);
  });
});
