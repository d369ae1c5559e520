import { InputField, OutputField, Signature } from "@kaizen/signatures";

export class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Detailed answer" });
}

export type QAInputs = { question: string };
export type QAOutputs = { answer: string };

/** Item i asks what i + 1000 is; the fake model answers "i + 1000 = …", so each answer names its item. */
export const questions = (count: number): QAInputs[] =>
  Array.from({ length: count }, (_, i) => ({ question: `What is ${i} + 1000?` }));
