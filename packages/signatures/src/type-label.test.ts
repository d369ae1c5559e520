import { describe, expect, it } from "vitest";
import { z } from "zod";
import { renderTypeLabel } from "./type-label.js";

const label = (schema: z.ZodType): string =>
  renderTypeLabel(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>);

describe("renderTypeLabel", () => {
  it.each<[string, z.ZodType, string]>([
    ["string", z.string(), "string"],
    ["bounded string", z.string().min(2).max(10), "string (at least 2 characters, at most 10 characters)"],
    ["fixed length", z.string().length(3), "string (exactly 3 characters)"],
    ["email", z.email(), "string (format: email)"],
    ["regex", z.string().regex(/^a+$/), "string (pattern: /^a+$/)"],
    ["number", z.number().gt(0).lt(1), "number (> 0, < 1)"],
    ["int", z.number().int(), "integer"],
    ["multiple", z.number().multipleOf(5), "number (multiple of 5)"],
    ["boolean", z.boolean(), "boolean"],
    ["enum", z.enum(["a", "b"]), '"a" | "b"'],
    ["literal", z.literal(3), "3"],
    ["union", z.union([z.string(), z.number()]), "string | number"],
    ["nullable", z.number().nullable(), "number | null"],
    ["array of union", z.array(z.union([z.string(), z.number()])), "(string | number)[]"],
    ["tuple", z.tuple([z.string(), z.number()]), "[string, number]"],
    ["object", z.object({ a: z.string(), b: z.number().optional() }), "{ a: string; b?: number }"],
    ["nullable object", z.object({ a: z.string() }).nullable(), "{ a: string } | null"],
    ["record", z.record(z.string(), z.boolean()), "Record<string, boolean>"],
    ["empty object", z.object({}), "object"],
    ["any", z.any(), "any"],
    ["date (no JSON form)", z.date(), "any"],
  ])("%s", (_name, schema, expected) => {
    expect(label(schema)).toBe(expected);
  });

  it("names recursive references", () => {
    const Node: z.ZodType = z.lazy(() => z.object({ value: z.string(), children: z.array(Node) }));
    expect(label(z.object({ root: Node }))).toBe("{ root: { value: string; children: (recursive)[] } }");
    const Named: z.ZodType = z.lazy(() => z.object({ next: Named.nullable() })).meta({ id: "Chain" });
    expect(label(z.object({ head: Named }))).toBe("{ head: { next: Chain | null } }");
  });
});
