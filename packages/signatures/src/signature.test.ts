import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  InputField,
  OutputField,
  RESERVED_FIELD_NAMES,
  Signature,
  SignatureDefinitionError,
  describeSignature,
  outputSchemaName,
  signature,
} from "./index.js";
import { QASignature } from "./__fixtures__/qa.js";

function definitionError(fn: () => unknown): SignatureDefinitionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureDefinitionError);
    return error as SignatureDefinitionError;
  }
  throw new Error("expected a SignatureDefinitionError");
}

describe("class form", () => {
  it("discovers fields from the instance, in declaration order", () => {
    const shape = describeSignature(new QASignature());
    expect(shape.name).toBe("QASignature");
    expect(shape.description).toBe("Answer the user's question.");
    expect(Object.keys(shape.inputs)).toEqual(["question"]);
    expect(Object.keys(shape.outputs)).toEqual(["answer", "confidence"]);
    expect(shape.inputs.question).toMatchObject({ kind: "input", description: "User question", type: "string", optional: false });
    expect(shape.outputs.confidence).toMatchObject({ kind: "output", type: "number (>= 0, <= 1)", optional: false });
  });

  it("caches the shape per instance", () => {
    const sig = new QASignature();
    expect(describeSignature(sig)).toBe(describeSignature(sig));
    expect(describeSignature(new QASignature())).not.toBe(describeSignature(sig));
    expect(Object.isFrozen(describeSignature(sig))).toBe(true);
  });

  it("inherits fields: base fields first, then the subclass's", () => {
    class WithContext extends QASignature {
      static override description = "Answer using the context.";
      context = InputField({ description: "Background", schema: z.string().optional() });
      sources = OutputField({ description: "Sources used", schema: z.array(z.string()) });
    }
    const shape = describeSignature(new WithContext());
    expect(shape.name).toBe("WithContext");
    expect(shape.description).toBe("Answer using the context.");
    expect(Object.keys(shape.inputs)).toEqual(["question", "context"]);
    expect(Object.keys(shape.outputs)).toEqual(["answer", "confidence", "sources"]);
    expect(shape.inputs.context?.optional).toBe(true);
  });

  it("inherits the description when a subclass gives none, and allows none at all", () => {
    class Child extends QASignature {
      extra = OutputField({ description: "More" });
    }
    expect(describeSignature(new Child()).description).toBe("Answer the user's question.");
    class Bare extends Signature {
      answer = OutputField({ description: "Answer" });
    }
    expect(describeSignature(new Bare()).description).toBe("");
  });

  it("uses static signatureName when set", () => {
    class Minified extends QASignature {
      static override signatureName = "Support Answer!";
    }
    expect(describeSignature(new Minified()).name).toBe("Support Answer!");
    expect(outputSchemaName(new Minified())).toBe("Support_Answer_");
  });

  it("ignores instance properties that are not fields", () => {
    class Helper extends QASignature {
      note = "kept on the instance, not a field";
    }
    expect(Object.keys(describeSignature(new Helper()).inputs)).toEqual(["question"]);
  });
});

describe("functional form", () => {
  it("builds the same shape as the class form", () => {
    const sig = signature({
      name: "QASignature",
      description: "Answer the user's question.",
      inputs: { question: InputField({ description: "User question" }) },
      outputs: {
        answer: OutputField({ description: "Detailed answer" }),
        confidence: OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) }),
      },
    });
    const a = describeSignature(sig);
    const b = describeSignature(new QASignature());
    expect(a.name).toBe(b.name);
    expect(a.description).toBe(b.description);
    expect(Object.keys(a.inputs)).toEqual(Object.keys(b.inputs));
    expect(a.outputs.confidence?.jsonSchema).toEqual(b.outputs.confidence?.jsonSchema);
    expect(sig).toBeInstanceOf(Signature);
  });

  it("defaults the name to Signature", () => {
    const sig = signature({ description: "d", inputs: {}, outputs: { x: OutputField({ description: "x" }) } });
    expect(outputSchemaName(sig)).toBe("Signature");
  });

  it("rejects broken definitions immediately", () => {
    expect(definitionError(() => signature({ description: "d", inputs: {}, outputs: {} })).message).toMatch(/no output field/);
    const both = definitionError(() =>
      signature({
        name: "Both",
        description: "d",
        inputs: { text: InputField({ description: "t" }) },
        outputs: { text: OutputField({ description: "t" }) },
      }),
    );
    expect(both.message).toBe('Both: "text" is used as both an input and an output field. Rename one of them.');
    expect(both.field).toBe("text");
    const swapped = definitionError(() =>
      signature({
        description: "d",
        inputs: { q: OutputField({ description: "q" }) as never },
        outputs: { a: OutputField({ description: "a" }) },
      }),
    );
    expect(swapped.message).toMatch(/"q" is listed under `inputs` but was made with OutputField\(\)/);
    expect(definitionError(() => signature(null as never)).message).toMatch(/needs \{ description, inputs, outputs \}/);
    expect(definitionError(() => signature({ description: "d", inputs: [] as never, outputs: {} })).message).toMatch(
      /`inputs` must be an object/,
    );
  });
});

describe("definition errors", () => {
  it("no output field", () => {
    class NoOutputs extends Signature {
      question = InputField({ description: "q" });
    }
    const error = definitionError(() => describeSignature(new NoOutputs()));
    expect(error.message).toBe(
      'NoOutputs has no output field: add at least one, e.g. answer = OutputField({ description: "..." }).',
    );
    expect(error.signature).toBe("NoOutputs");
  });

  it("a subclass may replace a base field (one key: no input/output clash in the class form)", () => {
    class Base extends Signature {
      text = InputField({ description: "t" });
      out = OutputField({ description: "o" });
    }
    class Flipped extends Base {
      // A subclass replacing an input with an output keeps one key: it is now an output, not both.
      override text = OutputField({ description: "t" }) as never;
    }
    expect(Object.keys(describeSignature(new Flipped()).outputs)).toEqual(["text", "out"]);
  });

  it.each(["sessionId", "signal", "timeoutMs", "constructor", "toJSON", "then", "__proto_x", "__secret"])(
    "reserved name %s",
    (name) => {
      const sig = signature({ description: "d", inputs: {}, outputs: { ok: OutputField({ description: "ok" }) } });
      const broken = Object.create(Object.getPrototypeOf(sig) as object) as Signature;
      Object.defineProperty(broken, name, { value: InputField({ description: "x" }), enumerable: true });
      Object.defineProperty(broken, "ok", { value: OutputField({ description: "ok" }), enumerable: true });
      const error = definitionError(() => describeSignature(broken));
      expect(error.message).toContain(`"${name}" is a reserved name and cannot be a field`);
      expect(error.field).toBe(name);
    },
  );

  it("lists the reserved names", () => {
    expect(RESERVED_FIELD_NAMES).toEqual(expect.arrayContaining(["sessionId", "signal", "timeoutMs", "then", "toJSON"]));
  });

  it("a reserved name in the class form", () => {
    class WithSession extends Signature {
      sessionId = InputField({ description: "session" });
      answer = OutputField({ description: "a" });
    }
    expect(definitionError(() => describeSignature(new WithSession())).message).toMatch(
      /^WithSession: "sessionId" is a reserved name/,
    );
  });

  it("a field name that is not an identifier", () => {
    const error = definitionError(() =>
      signature({
        description: "d",
        inputs: { "user question": InputField({ description: "q" }) },
        outputs: { a: OutputField({ description: "a" }) },
      }),
    );
    expect(error.message).toMatch(/field name "user question" is not allowed/);
  });

  it("a schema that is not a zod schema", () => {
    expect(definitionError(() => InputField({ description: "q", schema: "string" as never })).message).toBe(
      'InputField({ description: "q" }): `schema` is not a zod schema (received string). Pass a zod 4 schema such as z.number() or z.enum([...]).',
    );
    expect(definitionError(() => OutputField({ description: "a", schema: { _def: {} } as never })).message).toMatch(
      /looks like a zod 3 schema/,
    );
  });

  it("a bare zod schema as a field", () => {
    class Bare extends Signature {
      question = z.string();
      answer = OutputField({ description: "a" });
    }
    expect(definitionError(() => describeSignature(new Bare())).message).toMatch(
      /field "question" is a bare zod schema\. Wrap it: question = InputField/,
    );
  });

  it("a field without a description", () => {
    expect(definitionError(() => InputField({} as never)).message).toMatch(/needs a non-empty `description`/);
    expect(definitionError(() => OutputField({ description: "  " })).message).toMatch(/received an empty string/);
    expect(definitionError(() => OutputField(undefined as never)).message).toMatch(/needs an options object/);
  });

  it("an output schema with no JSON Schema form names the field", () => {
    class Dated extends Signature {
      when = OutputField({ description: "When", schema: z.date() });
    }
    const error = definitionError(() => describeSignature(new Dated()));
    expect(error.field).toBe("when");
    expect(error.message).toMatch(/output field "when" has a schema with no JSON Schema form .*z\.iso\.datetime\(\)/);
  });

  it("a default the schema rejects", () => {
    class BadDefault extends Signature {
      limit = InputField({ description: "Limit", schema: z.number().int().max(5), default: 10 });
      answer = OutputField({ description: "a" });
    }
    const error = definitionError(() => describeSignature(new BadDefault()));
    expect(error.message).toMatch(
      /^BadDefault: the default of input "limit" does not match its schema \(Too big: expected number to be <=5\)\. Fix the default or the schema\.$/,
    );
    expect(error.field).toBe("limit");
    // A transformed schema's default is an output value: it is not checked against the input side.
    class Transformed extends Signature {
      words = InputField({ description: "Text", schema: z.string().transform((t) => t.split(" ")), default: ["a"] });
      answer = OutputField({ description: "a" });
    }
    expect(describeSignature(new Transformed()).inputs.words?.default).toEqual(["a"]);
  });

  it("a non-string static description", () => {
    class Odd extends Signature {
      static override description = 42 as never;
      a = OutputField({ description: "a" });
    }
    expect(definitionError(() => describeSignature(new Odd())).message).toMatch(/`static description` must be a string/);
  });

  it("something that is not a signature", () => {
    expect(definitionError(() => describeSignature(null as never)).message).toMatch(/Expected a signature instance/);
  });
});

describe("outputSchemaName", () => {
  it("is the class name, safe for provider schema names", () => {
    expect(outputSchemaName(new QASignature())).toBe("QASignature");
    const long = signature({
      name: "x".repeat(100),
      description: "d",
      inputs: {},
      outputs: { a: OutputField({ description: "a" }) },
    });
    expect(outputSchemaName(long)).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });
});
