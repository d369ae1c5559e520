import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InputField, InputValidationError, OutputField, Signature, validateInputs } from "./index.js";
import { QASignature } from "./__fixtures__/qa.js";

class SearchSignature extends Signature {
  static override description = "Search the catalogue.";
  query = InputField({ description: "Search query" });
  userId = InputField({ description: "User id", schema: z.number().int() });
  limit = InputField({ description: "Max results", schema: z.number().int().min(1).max(50), default: 10 });
  filters = InputField({ description: "Filters", schema: z.object({ tags: z.array(z.string()) }), default: { tags: [] } });
  locale = InputField({ description: "Locale", schema: z.enum(["en", "de"]).optional() });
  results = OutputField({ description: "Result ids", schema: z.array(z.string()) });
}

function inputError(fn: () => unknown): InputValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return error as InputValidationError;
  }
  throw new Error("expected an InputValidationError");
}

describe("validateInputs", () => {
  it("returns the inputs with defaults applied", () => {
    const sig = new SearchSignature();
    expect(validateInputs(sig, { query: "lamps", userId: 7 })).toEqual({
      query: "lamps",
      userId: 7,
      limit: 10,
      filters: { tags: [] },
    });
    expect(validateInputs(sig, { query: "lamps", userId: 7, limit: 3, locale: "de", filters: undefined })).toEqual({
      query: "lamps",
      userId: 7,
      limit: 3,
      locale: "de",
      filters: { tags: [] },
    });
  });

  it("gives each run its own copy of an object default", () => {
    const sig = new SearchSignature();
    const a = validateInputs(sig, { query: "q", userId: 1 });
    a.filters.tags.push("mutated");
    expect(validateInputs(sig, { query: "q", userId: 1 }).filters).toEqual({ tags: [] });
  });

  it("a missing input names it and lists the expected ones", () => {
    const error = inputError(() => validateInputs(new QASignature(), {}));
    expect(error.message).toBe('QASignature is missing the input "question" (User question; string). Expected inputs: question.');
    expect(error).toMatchObject({ field: "question", expected: "string", received: "nothing (missing)", suggestion: undefined });
    expect(error.issues).toHaveLength(1);
    const search = inputError(() => validateInputs(new SearchSignature(), { query: "q" }));
    expect(search.message).toBe(
      'SearchSignature is missing the input "userId" (User id; integer). Expected inputs: query, userId, limit (optional), filters (optional), locale (optional).',
    );
  });

  it("an unknown input names it and suggests the closest valid name", () => {
    const error = inputError(() => validateInputs(new QASignature(), { qustion: "What is 2+2?" }));
    expect(error.message).toBe(
      'QASignature got an unknown input "qustion". Did you mean "question"?' +
        " Expected inputs: question.\nAll problems:\n" +
        '- qustion: unknown input (did you mean "question"?)\n' +
        "- question: required input is missing (expected string)",
    );
    expect(error.field).toBe("qustion");
    expect(error.suggestion).toBe("question");
    expect(error.issues.map((i) => i.path)).toEqual([["qustion"], ["question"]]);
  });

  it.each([
    ["qeustion", "question", new QASignature()],
    ["Question", "question", new QASignature()],
    ["user_id", "userId", new SearchSignature()],
    ["userid", "userId", new SearchSignature()],
    ["limt", "limit", new SearchSignature()],
  ])("suggests %s -> %s", (typo, expected, sig) => {
    expect(inputError(() => validateInputs(sig, { [typo]: 1 })).suggestion).toBe(expected);
  });

  it("suggests nothing when no name is close", () => {
    const error = inputError(() => validateInputs(new QASignature(), { question: "q", temperature: 0.2 }));
    expect(error.message).toBe('QASignature got an unknown input "temperature". Expected inputs: question.');
    expect(error.suggestion).toBeUndefined();
  });

  it("says when an output is passed as an input", () => {
    const error = inputError(() => validateInputs(new QASignature(), { question: "q", answer: "4" }));
    expect(error.message).toContain('"answer" is an output of QASignature, produced by the model; do not pass it.');
  });

  it("a wrong type names the field, expected and received", () => {
    const error = inputError(() => validateInputs(new QASignature(), { question: 42 }));
    expect(error.message).toBe(
      'QASignature input "question": expected string, received number 42. Pass a value of type string for question.',
    );
    expect(error).toMatchObject({ field: "question", expected: "string", received: "number 42" });
  });

  it("never quotes an API key it received", () => {
    const error = inputError(() => validateInputs(new SearchSignature(), { query: "q", userId: "sk-proj-abcdefghijklmnop" }));
    expect(error.received).toBe('string "[redacted]"');
    expect(error.message).not.toContain("abcdefghijklmnop");
  });

  it("reports bounds and nested paths", () => {
    const error = inputError(() =>
      validateInputs(new SearchSignature(), { query: "q", userId: 1.5, limit: 99, filters: { tags: [1] } }),
    );
    expect(error.issues.map((i) => i.message)).toEqual([
      "userId: expected integer, received number 1.5",
      "limit: expected number <= 50, received number 99",
      "filters.tags[0]: expected string, received number 1",
    ]);
    expect(error.field).toBe("userId");
  });

  it("accepts no inputs at all when none is required", () => {
    class Joke extends Signature {
      topic = InputField({ description: "Topic", default: "cats" });
      joke = OutputField({ description: "Joke" });
    }
    expect(validateInputs(new Joke(), undefined)).toEqual({ topic: "cats" });
    expect(inputError(() => validateInputs(new QASignature(), undefined)).field).toBe("(inputs)");
  });

  it("rejects inputs that are not an object", () => {
    for (const bad of [null, "What is 2+2?", ["q"], 3]) {
      const error = inputError(() => validateInputs(new QASignature(), bad));
      expect(error.field).toBe("(inputs)");
      expect(error.message).toMatch(/^QASignature inputs must be an object with keys question; received /);
    }
  });

  it("is an Error with a stable code", () => {
    const error = inputError(() => validateInputs(new QASignature(), {}));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("InputValidationError");
    expect(error.code).toBe("input_validation_error");
  });
});

describe("validateInputs properties", () => {
  const sig = new SearchSignature();
  it("valid inputs come back equal, with defaults for the absent ones", () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            query: fc.string(),
            userId: fc.integer(),
            limit: fc.integer({ min: 1, max: 50 }),
            filters: fc.record({ tags: fc.array(fc.string()) }),
            locale: fc.constantFrom("en" as const, "de" as const),
          },
          { requiredKeys: ["query", "userId"] },
        ),
        (inputs) => {
          expect(validateInputs(sig, inputs)).toEqual({ limit: 10, filters: { tags: [] }, ...inputs });
        },
      ),
    );
  });

  it("anything else throws InputValidationError (and nothing else) with at least one issue", () => {
    fc.assert(
      fc.property(fc.anything(), (inputs) => {
        try {
          validateInputs(sig, inputs);
        } catch (error) {
          expect(error).toBeInstanceOf(InputValidationError);
          expect((error as InputValidationError).issues.length).toBeGreaterThanOrEqual(1);
          expect((error as InputValidationError).message).toMatch(/^SearchSignature /);
        }
      }),
    );
  });
});
