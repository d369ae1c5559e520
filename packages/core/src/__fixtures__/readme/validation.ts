import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { BaseAgent, BaseAgentConfig, ConfigurationError } from "../../index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Response" });
}

// ✅ Correct: configured for async
const asyncAgent = new BaseAgent({
  config: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4", useAsyncLlm: true }),
  signature: new QASignature(),
});
console.log((await asyncAgent.runAsync({ question: "Hello" })).answer); // works

// ❌ Incorrect: NOT configured for async (the default)
const syncAgent = new BaseAgent({
  config: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4" }),
  signature: new QASignature(),
});
try {
  await syncAgent.runAsync({ question: "Hello" }); // rejects before any network I/O
} catch (error) {
  if (error instanceof ConfigurationError) console.log(error.message);
}

// Settings are checked when the config is built; every problem is reported at once.
try {
  new BaseAgentConfig({ model: "gpt-4", temperature: 3, useAsyncLlm: "yes" as unknown as boolean });
} catch (error) {
  if (error instanceof ConfigurationError) console.log(error.message);
}

await asyncAgent.close();
await syncAgent.close();
