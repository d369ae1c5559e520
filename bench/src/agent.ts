// The contender: a Kaizen agent over the same fake server, the seed's QASignature.
import { z } from "zod";
import { BaseAgent, BaseAgentConfig } from "@kaizen/core";
import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { API_KEY, MODEL } from "./workload.js";

export class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Detailed answer" });
  confidence = OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) });
}

export function createAgent(baseUrl: string, useAsyncLlm: boolean): BaseAgent<QASignature> {
  const config = new BaseAgentConfig({
    llmProvider: "openai",
    model: MODEL,
    apiKey: API_KEY,
    baseUrl,
    useAsyncLlm,
    structuredOutput: "json_schema",
  });
  return new BaseAgent({ config, signature: new QASignature() });
}
