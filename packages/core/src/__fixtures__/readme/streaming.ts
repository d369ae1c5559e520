import { z } from "zod";
import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { BaseAgent, BaseAgentConfig } from "../../index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Detailed answer" });
  confidence = OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) });
}

const agent = new BaseAgent({
  config: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o", useAsyncLlm: true }),
  signature: new QASignature(),
});

const stream = agent.streamAsync({ question: "Why is the sky blue?" });
for await (const partial of stream) {
  // { answer?: string; confidence?: number }: grows as the model writes. The last value is the
  // validated final result.
  process.stdout.write(`\r${(partial.answer ?? "").slice(0, 60)}`);
}
process.stdout.write("\n");
const final = await stream.result; // the same object the loop ended with
console.log(final.confidence);

await agent.close();
