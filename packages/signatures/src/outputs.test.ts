import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OutputField, Signature, formatIssuesForReask, parseOutputs } from "./index.js";
import { QASignature } from "./__fixtures__/qa.js";

const qa = new QASignature();

class ReviewSignature extends Signature {
  static override description = "Review the text.";
  verdict = OutputField({ description: "Verdict", schema: z.enum(["accept", "reject"]) });
  score = OutputField({ description: "Score", schema: z.number().int().min(1).max(5) });
  issues = OutputField({
    description: "Problems found",
    schema: z.array(z.object({ line: z.number().int(), note: z.string().min(1) })).max(3),
  });
  summary = OutputField({ description: "Summary", schema: z.string().nullable() });
  tags = OutputField({ description: "Tags", schema: z.array(z.string()).optional() });
  level = OutputField({ description: "Level", schema: z.union([z.literal("low"), z.literal(2)]) });
  counts = OutputField({ description: "Counts", schema: z.record(z.string(), z.number()) });
}
const review = new ReviewSignature();
const goodReview = {
  verdict: "accept",
  score: 4,
  issues: [{ line: 3, note: "typo" }],
  summary: null,
  level: 2,
  counts: { typos: 1 },
};

describe("parseOutputs: finding the JSON", () => {
  const expected = { answer: "4", confidence: 0.9 };
  it.each([
    ["plain JSON", '{"answer":"4","confidence":0.9}'],
    ["JSON with whitespace", '\n  {"answer": "4", "confidence": 0.9}\n'],
    ["a fenced json block", 'Here you go:\n```json\n{"answer":"4","confidence":0.9}\n```\nAnything else?'],
    ["a fenced block without language", '```\n{"answer":"4","confidence":0.9}\n```'],
    ["JSON with prose around", 'Sure! The result is {"answer":"4","confidence":0.9} as requested.'],
    ["braces inside strings", 'Note {not json}. Answer: {"answer":"4","confidence":0.9}'],
    ["an example first, then the answer", 'Format: {"answer": "...", "confidence": 0} -> {"answer":"4","confidence":0.9}'],
    ["a BOM", '\uFEFF{"answer":"4","confidence":0.9}'],
  ])("%s", (_name, text) => {
    const result = parseOutputs(qa, text);
    if (_name === "an example first, then the answer") {
      // The first object validates too ("..." is a string, 0 is in range): the first valid object wins.
      expect(result).toEqual({ ok: true, value: { answer: "...", confidence: 0 } });
      return;
    }
    expect(result).toEqual({ ok: true, value: expected });
  });

  it("keeps braces and quotes inside JSON strings intact", () => {
    const text = 'Result: {"answer":"use {x} and \\"quotes\\" }","confidence":1}';
    expect(parseOutputs(qa, text)).toEqual({ ok: true, value: { answer: 'use {x} and "quotes" }', confidence: 1 } });
  });

  it("prefers the object that validates", () => {
    const text = 'Bad: {"answer": 1} Good: {"answer":"4","confidence":0.5}';
    expect(parseOutputs(qa, text)).toEqual({ ok: true, value: { answer: "4", confidence: 0.5 } });
  });

  it("accepts an already-parsed object (tool call arguments)", () => {
    expect(parseOutputs(qa, { answer: "4", confidence: 0.9 })).toEqual({ ok: true, value: { answer: "4", confidence: 0.9 } });
  });

  it("drops unknown keys: the value holds exactly the output fields", () => {
    const result = parseOutputs(qa, '{"answer":"4","confidence":0.9,"reasoning":"2+2","extra":{"a":1}}');
    expect(result).toEqual({ ok: true, value: { answer: "4", confidence: 0.9 } });
    if (result.ok) expect(Object.keys(result.value)).toEqual(["answer", "confidence"]);
  });

  it("returns the zod output of each field (transforms run)", () => {
    class Dated extends Signature {
      at = OutputField({ description: "When", schema: z.iso.datetime().transform((s) => new Date(s)) });
    }
    const result = parseOutputs(new Dated(), '{"at":"2026-01-02T03:04:05Z"}');
    expect(result.ok && result.value.at instanceof Date && result.value.at.toISOString()).toBe("2026-01-02T03:04:05.000Z");
  });
});

describe("parseOutputs: issues", () => {
  it("no coercion: a numeric string is not a number", () => {
    const result = parseOutputs(qa, '{"answer":"4","confidence":"0.9"}');
    expect(result).toEqual({
      ok: false,
      raw: '{"answer":"4","confidence":"0.9"}',
      issues: [
        {
          path: ["confidence"],
          expected: "number",
          received: 'string "0.9"',
          message: 'confidence: expected number, received string "0.9"',
        },
      ],
    });
  });

  it("missing fields, bounds", () => {
    const result = parseOutputs(qa, '{"confidence":1.5}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      {
        path: ["answer"],
        expected: "string",
        received: "nothing (missing)",
        message: "answer: required field is missing (expected string)",
      },
      {
        path: ["confidence"],
        expected: "number <= 1",
        received: "number 1.5",
        message: "confidence: expected number <= 1, received number 1.5",
      },
    ]);
  });

  it("every shape reports path, expected and received", () => {
    const bad = {
      verdict: "maybe",
      score: 4.5,
      issues: [
        { line: 1, note: "" },
        { line: "2", note: "x" },
      ],
      summary: 3,
      tags: "a,b",
      level: "high",
      counts: { typos: "one" },
    };
    const result = parseOutputs(review, bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.message)).toEqual([
      'verdict: expected one of "accept" | "reject", received string "maybe"',
      "score: expected integer, received number 4.5",
      'issues[0].note: expected non-empty string, received string ""',
      'issues[1].line: expected number, received string "2"',
      "summary: expected string | null, received number 3",
      'tags: expected string[], received string "a,b"',
      'level: expected "low" | 2, received string "high"',
      'counts.typos: expected number, received string "one"',
    ]);
    expect(result.issues[3]).toEqual({
      path: ["issues", 1, "line"],
      expected: "number",
      received: 'string "2"',
      message: 'issues[1].line: expected number, received string "2"',
    });
  });

  it("array size limits", () => {
    const tooMany = { ...goodReview, issues: [1, 2, 3, 4].map((line) => ({ line, note: "n" })) };
    const result = parseOutputs(review, tooMany);
    expect(!result.ok && result.issues.map((i) => i.message)).toEqual([
      "issues: expected array of at most 3 items, received array of 4 items",
    ]);
  });

  it("unions: a discriminator lists its values; a branch that matched the type explains the problem", () => {
    class Shapes extends Signature {
      shape = OutputField({
        description: "Shape",
        schema: z.discriminatedUnion("type", [
          z.object({ type: z.literal("circle"), r: z.number() }),
          z.object({ type: z.literal("square"), side: z.number() }),
        ]),
      });
      either = OutputField({ description: "Either", schema: z.union([z.object({ a: z.string() }), z.array(z.number())]) });
      scalar = OutputField({ description: "Scalar", schema: z.union([z.string(), z.number()]) });
    }
    const messages = (text: string): string[] => {
      const result = parseOutputs(new Shapes(), text);
      return result.ok ? [] : result.issues.map((i) => i.message);
    };
    expect(messages('{"shape":{"type":"triangle"},"either":{"a":1},"scalar":true}')).toEqual([
      'shape.type: expected one of "circle" | "square", received string "triangle"',
      "either.a: expected string, received number 1",
      "scalar: expected string | number, received boolean true",
    ]);
    expect(messages('{"shape":{"type":"circle","r":"2"},"either":[1,"x"],"scalar":"s"}')).toEqual([
      'shape.r: expected number, received string "2"',
      'either[1]: expected number, received string "x"',
    ]);
  });

  it("refinements report their own message", () => {
    class Refined extends Signature {
      even = OutputField({ description: "Even", schema: z.number().refine((n) => n % 2 === 0, "must be even") });
    }
    const result = parseOutputs(new Refined(), '{"even":3}');
    expect(!result.ok && result.issues).toEqual([
      { path: ["even"], expected: "must be even", received: "number 3", message: "even: must be even (received number 3)" },
    ]);
  });

  it("valid review parses; optional fields may be absent", () => {
    expect(parseOutputs(review, JSON.stringify(goodReview))).toEqual({ ok: true, value: goodReview });
  });

  it.each([
    ["empty text", "", "the response is empty"],
    ["prose only", "I think the answer is 4.", "the response contains no JSON object"],
    ["broken JSON", '{"answer": "4", "confidence": 0.9,}', "the JSON is not valid"],
    ["truncated JSON", '{"answer": "4", "confid', "the JSON object is never closed"],
  ])("%s", (_name, text, problem) => {
    const result = parseOutputs(qa, text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.raw).toBe(text);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]?.path).toEqual([]);
    expect(result.issues[0]?.expected).toBe("a JSON object with the fields answer, confidence");
    expect(result.issues[0]?.message).toContain(problem);
  });

  it("JSON that is not an object", () => {
    for (const text of ["42", '"4"', '[{"answer":"4","confidence":1}]', "null"]) {
      const result = parseOutputs(qa, text);
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.issues[0]?.message).toMatch(/^expected a JSON object with the fields answer, confidence, received /);
    }
  });

  it("never throws, even on hostile values", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const throwing = {
      get answer(): string {
        throw new Error("boom");
      },
    };
    for (const value of [
      undefined,
      null,
      1n,
      Symbol("s"),
      circular,
      throwing,
      () => 1,
      "{".repeat(50_000),
      "}{".repeat(10_000),
    ]) {
      const result = parseOutputs(qa, value);
      expect(result.ok).toBe(false);
    }
  });
});

describe("formatIssuesForReask", () => {
  it("lists the problems and asks for corrected JSON only", () => {
    const result = parseOutputs(qa, '{"confidence":"high"}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatIssuesForReask(result.issues)).toMatchInlineSnapshot(`
      "Your previous answer did not match the required output format. Problems:
      - answer: required field is missing (expected string)
      - confidence: expected number, received string "high"
      Reply again with only the corrected JSON object: all required fields, no other keys, no prose, no code fences."
    `);
  });

  it("one problem", () => {
    expect(
      formatIssuesForReask([
        { path: ["a"], expected: "string", received: "number 1", message: "a: expected string, received number 1" },
      ]),
    ).toMatchInlineSnapshot(`
      "Your previous answer did not match the required output format. Problem:
      - a: expected string, received number 1
      Reply again with only the corrected JSON object: all required fields, no other keys, no prose, no code fences."
    `);
  });
});
