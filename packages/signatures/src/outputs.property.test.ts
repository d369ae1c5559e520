import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { InferOutputs } from "./index.js";
import { OutputField, Signature, parseOutputs, signature } from "./index.js";
import { QASignature } from "./__fixtures__/qa.js";

// JSON has no -0; a generated -0 would come back as 0.
const num = (constraints: { min?: number; max?: number } = {}): fc.Arbitrary<number> =>
  fc.double({ ...constraints, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
// zod (rightly) never writes a "__proto__" key into a parsed record.
const key = fc.string({ maxLength: 8 }).filter((k) => k !== "__proto__");

class ReviewSignature extends Signature {
  verdict = OutputField({ description: "Verdict", schema: z.enum(["accept", "reject"]) });
  score = OutputField({ description: "Score", schema: z.number().int().min(1).max(5) });
  issues = OutputField({
    description: "Problems",
    schema: z.array(z.object({ line: z.number().int().min(0), note: z.string().min(1) })).max(3),
  });
  summary = OutputField({ description: "Summary", schema: z.string().nullable() });
  tags = OutputField({ description: "Tags", schema: z.array(z.string()).optional() });
  level = OutputField({ description: "Level", schema: z.union([z.literal("low"), z.literal(2)]) });
  counts = OutputField({ description: "Counts", schema: z.record(z.string(), z.number()) });
}

const profile = signature({
  name: "Profile",
  description: "Extract a profile.",
  inputs: {},
  outputs: {
    person: OutputField({
      description: "The person",
      schema: z.object({
        name: z.string(),
        age: z.number().int().min(0).max(150).nullable(),
        address: z.object({ city: z.string(), zip: z.string().optional() }).optional(),
      }),
    }),
    active: OutputField({ description: "Active", schema: z.boolean() }),
    scores: OutputField({ description: "Scores", schema: z.array(z.number()) }),
  },
});

interface Case<S extends Signature> {
  name: string;
  sig: S;
  valid: fc.Arbitrary<InferOutputs<S>>;
}

const qaCase: Case<QASignature> = {
  name: "QASignature",
  sig: new QASignature(),
  valid: fc.record({ answer: fc.string(), confidence: num({ min: 0, max: 1 }) }),
};
const reviewCase: Case<ReviewSignature> = {
  name: "ReviewSignature",
  sig: new ReviewSignature(),
  valid: fc.record(
    {
      verdict: fc.constantFrom("accept" as const, "reject" as const),
      score: fc.integer({ min: 1, max: 5 }),
      issues: fc.array(fc.record({ line: fc.nat(), note: fc.string({ minLength: 1 }) }), { maxLength: 3 }),
      summary: fc.option(fc.string(), { nil: null }),
      tags: fc.array(fc.string()),
      level: fc.constantFrom("low" as const, 2 as const),
      counts: fc.dictionary(key, num()),
    },
    { requiredKeys: ["verdict", "score", "issues", "summary", "level", "counts"] },
  ),
};
const profileCase: Case<typeof profile> = {
  name: "Profile (functional form)",
  sig: profile,
  valid: fc.record({
    person: fc.record(
      {
        name: fc.string(),
        age: fc.option(fc.integer({ min: 0, max: 150 }), { nil: null }),
        address: fc.record({ city: fc.string(), zip: fc.string() }, { requiredKeys: ["city"] }),
      },
      { requiredKeys: ["name", "age"] },
    ),
    active: fc.boolean(),
    scores: fc.array(num()),
  }),
};

const cases = [qaCase, reviewCase, profileCase] as Case<Signature>[];

const wrappers: Array<[string, (json: string) => string]> = [
  ["plain", (json) => json],
  ["fenced", (json) => `Here is the result:\n\`\`\`json\n${json}\n\`\`\`\nLet me know if you need more.`],
  ["prose around", (json) => `Sure. The answer object is ${json} and that is all.`],
];

describe.each(cases)("property: $name", ({ sig, valid }) => {
  it.each(wrappers)("any valid outputs object, serialised (%s), parses back equal", (_name, wrap) => {
    fc.assert(
      fc.property(valid, fc.boolean(), (value, pretty) => {
        const json = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        expect(parseOutputs(sig, wrap(json))).toEqual({ ok: true, value });
        expect(parseOutputs(sig, JSON.parse(json))).toEqual({ ok: true, value });
      }),
    );
  });

  it("any invalid one (a field removed or replaced by a wrong value) yields issues and never throws", () => {
    const fields = Object.keys(parseOutputsFields(sig));
    const wrongValue = fc.oneof(
      fc.constant("not valid"),
      fc.constant(-1e9),
      fc.constant(true),
      fc.constant(null),
      fc.constant([1, "x"]),
      fc.constant({ unexpected: 1 }),
    );
    fc.assert(
      fc.property(valid, fc.constantFrom(...fields), fc.option(wrongValue, { nil: undefined }), (value, field, replacement) => {
        const broken: Record<string, unknown> = { ...value };
        if (replacement === undefined) delete broken[field];
        else broken[field] = replacement;
        const result = parseOutputs(sig, JSON.stringify(broken));
        // Removing an optional field, or null for a nullable one, is still valid: nothing to report then.
        if (isAccepted(sig, field, replacement)) return;
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.issues.length).toBeGreaterThanOrEqual(1);
        for (const issue of result.issues) {
          expect(issue.path).toBeInstanceOf(Array);
          expect(issue.message).toMatch(/\S/);
          expect(issue.expected).toMatch(/\S/);
          expect(issue.received).toMatch(/\S/);
        }
        expect(result.issues.some((issue) => issue.path[0] === field)).toBe(true);
      }),
    );
  });

  it("never throws on arbitrary text or values", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.anything()), (input) => {
        const result = parseOutputs(sig, input);
        expect(typeof result.ok).toBe("boolean");
        if (!result.ok) {
          expect(result.issues.length).toBeGreaterThanOrEqual(1);
          expect(typeof result.raw).toBe("string");
        }
      }),
    );
  });
});

function parseOutputsFields(sig: Signature): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(sig).filter(([, v]) => typeof v === "object" && v !== null && "kind" in v && v.kind === "output"),
  );
}

// Whether the field's own schema accepts the replacement (undefined = the field removed).
function isAccepted(sig: Signature, field: string, replacement: unknown): boolean {
  const schema = (parseOutputsFields(sig)[field] as { schema: z.ZodType }).schema;
  return schema.safeParse(replacement).success;
}
