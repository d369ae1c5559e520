import { z } from "zod";
import { InputField, OutputField, Signature } from "@kaizen/signatures";

/** The README's QASignature: a question in, an answer and a confidence between 0 and 1 out. */
export class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Detailed answer" });
  confidence = OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) });
}

/** What every sample app gets back from the agent: exactly the signature's output fields. */
export interface QAOutputs {
  answer: string;
  confidence: number;
}
