import { z } from "zod";
import { ImageField, InputField, OutputField, Signature } from "@kaizen/signatures";

/**
 * The README's QASignature: a question in, an answer and a confidence between 0 and 1 out; here
 * with an optional image the question may be about (the chat page's attachment). Without one the
 * prompt's user message is the plain question, as before.
 */
export class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  image = ImageField({ description: "An image the question is about", optional: true });
  answer = OutputField({ description: "Detailed answer" });
  confidence = OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) });
}

/** What every sample app gets back from the agent: exactly the signature's output fields. */
export interface QAOutputs {
  answer: string;
  confidence: number;
}
