import { describe, expect, it } from "vitest";
import { lowerToStrictSchema, restoreOptionalProperties } from "./openai-schema.js";
import { buildOpenAIChatBody, isReasoningModel } from "./openai-request.js";

const person = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 40 },
    age: { type: "integer", minimum: 0 },
    email: { type: "string", format: "email" },
    nickname: { type: "string", format: "my-custom-format" },
    tags: { type: "array", items: { type: "string" }, maxItems: 3, uniqueItems: true },
    pet: {
      type: "object",
      properties: { kind: { type: "string", enum: ["cat", "dog"] }, name: { type: "string" } },
      required: ["kind"],
      additionalProperties: false,
    },
    note: { anyOf: [{ type: "string" }, { type: "null" }] },
    mood: { type: "string", enum: ["happy", "sad"] },
  },
  required: ["name", "age", "note"],
  additionalProperties: false,
};

describe("lowerToStrictSchema", () => {
  it("closes every object, requires every property and makes optional ones nullable", () => {
    const lowering = lowerToStrictSchema(person);
    expect(lowering.ok).toBe(true);
    if (!lowering.ok) return;
    const schema = lowering.schema as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema).not.toHaveProperty("$schema");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["name", "age", "email", "nickname", "tags", "pet", "note", "mood"]);
    expect(schema.properties.name?.type).toBe("string");
    expect(schema.properties.email).toMatchObject({ type: ["string", "null"], format: "email" });
    // An enum cannot simply gain "null" in its type: it is wrapped in anyOf with null.
    expect(schema.properties.mood).toEqual({ anyOf: [{ type: "string", enum: ["happy", "sad"] }, { type: "null" }] });
    // Already nullable: left as it was.
    expect(schema.properties.note).toEqual({ anyOf: [{ type: "string" }, { type: "null" }] });
    const pet = schema.properties.pet as {
      type: unknown;
      required: string[];
      properties: Record<string, Record<string, unknown>>;
    };
    expect(pet.type).toEqual(["object", "null"]);
    expect(pet.required).toEqual(["kind", "name"]);
    expect(pet.properties.name?.type).toEqual(["string", "null"]);
  });

  it("keeps supported keywords and moves the others into the description", () => {
    const lowering = lowerToStrictSchema(person);
    if (!lowering.ok) throw new Error(lowering.reason);
    const props = (lowering.schema as { properties: Record<string, Record<string, unknown>> }).properties;
    expect(props.name).not.toHaveProperty("minLength");
    expect(props.name?.description).toBe("Constraints: minLength: 1; maxLength: 40.");
    expect(props.age).toMatchObject({ minimum: 0 });
    expect(props.nickname).not.toHaveProperty("format");
    expect(props.nickname?.description).toContain("my-custom-format");
    expect(props.tags).toMatchObject({ maxItems: 3 });
    expect(props.tags).not.toHaveProperty("uniqueItems");
  });

  it("says why a schema cannot be strict", () => {
    const record = {
      type: "object",
      properties: { m: { type: "object", additionalProperties: { type: "number" } } },
      required: ["m"],
    };
    expect(lowerToStrictSchema(record)).toMatchObject({ ok: false, reason: expect.stringContaining("additionalProperties") });
    expect(lowerToStrictSchema({ type: "object", properties: { x: {} } })).toMatchObject({ ok: false });
    expect(lowerToStrictSchema({ type: "array", items: { type: "string" } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("root"),
    });
    expect(lowerToStrictSchema({ type: "object", properties: { x: { allOf: [{ type: "string" }] } } })).toMatchObject({
      ok: false,
    });
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 12; i++)
      deep = { type: "object", properties: { child: deep }, required: ["child"], additionalProperties: false };
    expect(lowerToStrictSchema(deep)).toMatchObject({ ok: false, reason: expect.stringContaining("nesting") });
  });

  it("lowers $defs and keeps $ref", () => {
    const schema = {
      type: "object",
      properties: { friend: { $ref: "#/$defs/Person" } },
      $defs: {
        Person: { type: "object", properties: { name: { type: "string" }, age: { type: "number" } }, required: ["name"] },
      },
    };
    const lowering = lowerToStrictSchema(schema);
    if (!lowering.ok) throw new Error(lowering.reason);
    const lowered = lowering.schema as {
      properties: Record<string, unknown>;
      $defs: { Person: { required: string[]; additionalProperties: boolean } };
    };
    expect(lowered.properties.friend).toEqual({ anyOf: [{ $ref: "#/$defs/Person" }, { type: "null" }] });
    expect(lowered.$defs.Person).toMatchObject({ required: ["name", "age"], additionalProperties: false });
    expect(restoreOptionalProperties({ friend: { name: "a", age: null } }, schema)).toEqual({ friend: { name: "a" } });
    expect(restoreOptionalProperties({ friend: null }, schema)).toEqual({});
  });

  it("caches per schema object", () => {
    expect(lowerToStrictSchema(person)).toBe(lowerToStrictSchema(person));
  });
});

describe("restoreOptionalProperties", () => {
  it("removes nulls of optional properties, keeps nulls the original allows, and recurses into arrays", () => {
    const schema = {
      type: "object",
      properties: {
        a: { type: "string" },
        b: { type: "string" },
        c: { anyOf: [{ type: "string" }, { type: "null" }] },
        list: {
          type: "array",
          items: { type: "object", properties: { x: { type: "number" }, y: { type: "number" } }, required: ["x"] },
        },
      },
      required: ["a"],
    };
    expect(
      restoreOptionalProperties(
        {
          a: null,
          b: null,
          c: null,
          list: [
            { x: 1, y: null },
            { x: 2, y: 3 },
          ],
        },
        schema,
      ),
    ).toEqual({
      a: null,
      c: null,
      list: [{ x: 1 }, { x: 2, y: 3 }],
    });
  });
});

describe("buildOpenAIChatBody", () => {
  it("recognises reasoning models", () => {
    for (const m of ["o1", "o3-mini", "o4-mini-2025-04-16", "gpt-5", "gpt-5-mini", "openai/gpt-5"])
      expect(isReasoningModel(m)).toBe(true);
    for (const m of ["gpt-4o", "gpt-4.1-mini", "llama3", "omni-model"]) expect(isReasoningModel(m)).toBe(false);
  });

  it("puts the schema instruction into the existing system message in json_object mode", () => {
    const plan = buildOpenAIChatBody(
      {
        model: "gpt-4o",
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "hi" },
        ],
        output: { name: "X", schema: person, mode: "json_object" },
      },
      { jsonSchema: true },
    );
    const messages = plan.body.messages as Array<{ role: string; content: string }>;
    expect(messages).toHaveLength(2);
    expect(messages[0]?.content.startsWith("You are terse.")).toBe(true);
    expect(messages[0]?.content).toContain("JSON");
    expect(plan.structuredOutput).toBe("json_object");
  });

  it("restores optional properties only when strict mode made some nullable", () => {
    const ask = (schema: Record<string, unknown>) =>
      buildOpenAIChatBody(
        { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], output: { name: "X", schema } },
        { jsonSchema: true },
      );
    const withOptional = ask(person);
    expect(lowerToStrictSchema(person)).toMatchObject({ ok: true, madeNullable: true });
    expect(withOptional.parseOutput?.('{"name":"Ann","age":3,"email":null,"note":null}')).toEqual({
      name: "Ann",
      age: 3,
      note: null,
    });

    const allRequired = {
      type: "object",
      properties: {
        answer: { type: "string" },
        inner: { type: "object", properties: { n: { type: ["number", "null"] } }, required: ["n"], additionalProperties: false },
      },
      required: ["answer", "inner"],
      additionalProperties: false,
    };
    expect(lowerToStrictSchema(allRequired)).toMatchObject({ ok: true, madeNullable: false });
    const plan = ask(allRequired);
    expect(plan.structuredOutput).toBe("json_schema");
    expect(plan.parseOutput?.('{"answer":"42","inner":{"n":null}}')).toEqual({ answer: "42", inner: { n: null } });
  });

  it("forces a strict tool in tool mode and uses prompt mode without response_format", () => {
    const tool = buildOpenAIChatBody(
      { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], output: { name: "X", schema: person, mode: "tool" } },
      { jsonSchema: true },
    );
    expect(tool.body.tool_choice).toEqual({ type: "function", function: { name: "X" } });
    expect(tool.outputToolName).toBe("X");
    const prompt = buildOpenAIChatBody(
      { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], output: { name: "X", schema: person, mode: "prompt" } },
      { jsonSchema: true },
    );
    expect(prompt.body).not.toHaveProperty("response_format");
    expect(prompt.structuredOutput).toBe("prompt");
  });
});
