import { z } from "zod";
import { InputField, OutputField, Signature } from "../index.js";

/** The seed's QASignature, in TypeScript. */
export class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Detailed answer" });
  confidence = OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) });
}
