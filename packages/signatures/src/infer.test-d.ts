import { expectTypeOf } from "vitest";
import { z } from "zod";
import type { InferInputs, InferOutputs, InferValidatedInputs } from "./index.js";
import { InputField, OutputField, Signature, parseOutputs, signature, validateInputs } from "./index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Detailed answer" });
  confidence = OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) });
}

// The seed's signature infers exactly.
expectTypeOf<InferInputs<QASignature>>().toEqualTypeOf<{ question: string }>();
expectTypeOf<InferOutputs<QASignature>>().toEqualTypeOf<{ answer: string; confidence: number }>();

class Rich extends QASignature {
  limit = InputField({ description: "Max results", schema: z.number().int(), default: 10 });
  context = InputField({ description: "Context", schema: z.string().optional() });
  filters = InputField({ description: "Filters", schema: z.object({ tags: z.array(z.string()) }) });
  when = InputField({ description: "When", schema: z.iso.datetime().transform((s) => new Date(s)) });
  level = OutputField({ description: "Level", schema: z.enum(["low", "high"]) });
  tags = OutputField({ description: "Tags", schema: z.array(z.string()).optional() });
  summary = OutputField({ description: "Summary", schema: z.string().nullable() });
  kind = OutputField({ description: "Kind", schema: z.union([z.literal("a"), z.literal(2)]) });
  counts = OutputField({ description: "Counts", schema: z.record(z.string(), z.number()) });
  flag = OutputField({ description: "Flag", schema: z.boolean() });
  nested = OutputField({ description: "Nested", schema: z.object({ id: z.number(), note: z.string().optional() }) });
  helper = "not a field";
}

// Inputs with a default or an optional schema are optional at the call site; values are zod input types.
expectTypeOf<InferInputs<Rich>>().toEqualTypeOf<{
  question: string;
  filters: { tags: string[] };
  when: string;
  limit?: number;
  context?: string | undefined;
}>();
// After validation defaults are present and transforms have run.
expectTypeOf<InferValidatedInputs<Rich>>().toEqualTypeOf<{
  question: string;
  limit: number;
  filters: { tags: string[] };
  when: Date;
  context?: string | undefined;
}>();
expectTypeOf<InferOutputs<Rich>>().toEqualTypeOf<{
  answer: string;
  confidence: number;
  level: "low" | "high";
  summary: string | null;
  kind: "a" | 2;
  counts: Record<string, number>;
  flag: boolean;
  nested: { id: number; note?: string | undefined };
  tags?: string[] | undefined;
}>();

// Wrong or missing input names and wrongly typed values are compile errors.
function takesInputs<S extends Signature>(_sig: S, _inputs: InferInputs<S>): void {}
const qa = new QASignature();
takesInputs(qa, { question: "What is 2+2?" });
// @ts-expect-error -- missing input
takesInputs(qa, {});
// @ts-expect-error -- misspelt input name
takesInputs(qa, { qustion: "What is 2+2?" });
// @ts-expect-error -- wrong value type
takesInputs(qa, { question: 4 });
// @ts-expect-error -- unknown extra input
takesInputs(qa, { question: "q", temperature: 1 });
takesInputs(new Rich(), { question: "q", filters: { tags: [] }, when: "2026-01-01T00:00:00Z" });
// @ts-expect-error -- a default's type must match the schema
InputField({ description: "n", schema: z.number(), default: "ten" });
// @ts-expect-error -- without a schema the default must be a string
InputField({ description: "s", default: 1 });
// @ts-expect-error -- description is required
OutputField({ schema: z.number() });

// validateInputs and parseOutputs are typed from the signature.
expectTypeOf(validateInputs(qa, {})).toEqualTypeOf<{ question: string }>();
const parsed = parseOutputs(qa, "{}");
if (parsed.ok) expectTypeOf(parsed.value).toEqualTypeOf<{ answer: string; confidence: number }>();
else expectTypeOf(parsed.raw).toBeString();

// The functional form infers the same way.
const fn = signature({
  name: "QA",
  description: "Answer the user's question.",
  inputs: {
    question: InputField({ description: "User question" }),
    limit: InputField({ description: "Max", schema: z.number(), default: 3 }),
  },
  outputs: {
    answer: OutputField({ description: "Detailed answer" }),
    confidence: OutputField({ description: "Confidence", schema: z.number().min(0).max(1) }),
  },
});
expectTypeOf<InferInputs<typeof fn>>().toEqualTypeOf<{ question: string; limit?: number }>();
expectTypeOf<InferOutputs<typeof fn>>().toEqualTypeOf<{ answer: string; confidence: number }>();
expectTypeOf(fn).toExtend<Signature>();
// @ts-expect-error -- an output field where inputs go
signature({ description: "d", inputs: { q: OutputField({ description: "q" }) }, outputs: {} });

// The README's examples.
class QAWithSources extends QASignature {
  context = InputField({ description: "Background documents", schema: z.array(z.string()).optional() });
  sources = OutputField({ description: "Which documents were used", schema: z.array(z.number().int()) });
}
expectTypeOf<InferInputs<QAWithSources>>().toEqualTypeOf<{ question: string; context?: string[] | undefined }>();
expectTypeOf<InferOutputs<QAWithSources>>().toEqualTypeOf<{ answer: string; confidence: number; sources: number[] }>();
const triage = signature({
  name: "Triage",
  description: "Triage the support ticket.",
  inputs: { ticket: InputField({ description: "The ticket text" }) },
  outputs: {
    category: OutputField({ description: "Category", schema: z.enum(["billing", "bug", "question"]) }),
    urgent: OutputField({ description: "Needs a human now", schema: z.boolean() }),
  },
});
expectTypeOf<InferInputs<typeof triage>>().toEqualTypeOf<{ ticket: string }>();
expectTypeOf<InferOutputs<typeof triage>>().toEqualTypeOf<{ category: "billing" | "bug" | "question"; urgent: boolean }>();
expectTypeOf(triage).toExtend<Signature>();
