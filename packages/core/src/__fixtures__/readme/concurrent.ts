import { z } from "zod";
import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { BaseAgent, BaseAgentConfig } from "../../index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Detailed answer" });
  confidence = OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) });
}

const config = new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o", useAsyncLlm: true });
const agent = new BaseAgent({ config, signature: new QASignature() });
const questions = Array.from({ length: 100 }, (_, i) => `Question ${i + 1}`);

// All in parallel: one agent serves any number of concurrent runs. Like asyncio.gather,
// Promise.all rejects as soon as one run fails.
const results = await Promise.all(questions.map((question) => agent.runAsync({ question })));
console.log(results.length); // 100

// batchAsync: at most `concurrency` in flight, and every item settles, in input order.
const settled = await agent.batchAsync(
  questions.map((question) => ({ question })),
  { concurrency: 16, onProgress: ({ done, total, failed }) => process.stdout.write(`\r${done}/${total} (${failed} failed)`) },
);
process.stdout.write("\n");
for (const item of settled) {
  if (item.status === "fulfilled") console.log(item.value.answer);
  else console.error("failed:", item.reason);
}

await agent.close();
