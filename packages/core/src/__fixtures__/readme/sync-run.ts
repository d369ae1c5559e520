import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { BaseAgent, BaseAgentConfig } from "../../index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Response" });
}

// Sync agent (the default: useAsyncLlm is false)
const config = new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4" });
const agent = new BaseAgent({ config, signature: new QASignature() });

// Blocks until the answer is back and returns it: no Promise, no await.
const result = agent.run({ question: "Hello" });
console.log(result.answer);

await agent.close();
