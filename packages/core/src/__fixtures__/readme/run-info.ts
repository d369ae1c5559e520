import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { BaseAgent, BaseAgentConfig, getRunInfo } from "../../index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Response" });
}

const agent = new BaseAgent({
  config: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o-mini", useAsyncLlm: true }),
  signature: new QASignature(),
});
const result = await agent.runAsync({ question: "What is 2+2?" });
console.log(JSON.stringify(result)); // only the output fields: {"answer":"..."}

const info = getRunInfo(result);
console.log(info?.attempts, info?.usage.totalTokens, info?.costUsd, info?.latencyMs, info?.requestIds);

await agent.close();
