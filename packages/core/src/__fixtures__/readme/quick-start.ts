import { z } from "zod";
import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { BaseAgent, BaseAgentConfig } from "../../index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Detailed answer" });
  confidence = OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) });
}

const config = new BaseAgentConfig({
  llmProvider: "openai",
  model: "gpt-4o",
  temperature: 0.7,
  maxTokens: 500,
  useAsyncLlm: true, // Required for runAsync()
});
const agent = new BaseAgent({ config, signature: new QASignature() });

const result = await agent.runAsync({ question: "What is 2+2?" });
console.log(result.answer); // a string that mentions 4
console.log(result.confidence); // a number from 0 to 1

await agent.close();
