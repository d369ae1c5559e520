import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { BaseAgent, BaseAgentConfig } from "../../index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Response" });
}

const agent = new BaseAgent({
  config: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o-mini", useAsyncLlm: true }),
  signature: new QASignature(),
  hooks: {
    beforeRun: ({ runId, sessionId }) => console.log(`run ${runId} starts (session ${sessionId ?? "none"})`),
    afterRun: async ({ runId, info }) => {
      // Async hooks are awaited by runAsync, batchAsync and streamAsync.
      console.log(`run ${runId} took ${info.attempts} attempt(s), ${info.usage.totalTokens} tokens`);
    },
    onRetry: (event) =>
      console.log(
        event.kind === "reask"
          ? `re-asking: ${event.issues.length} issue(s)`
          : `provider retried (${event.attempt} HTTP attempts)`,
      ),
    onError: ({ runId, error }) => console.error(`run ${runId} failed:`, error),
  },
  // Failing hooks are reported here (default: console.warn) and do not fail the run,
  // unless the config says hookErrors: "throw".
  onHookError: (error, { hook }) => console.error(`hook ${hook} failed`, error),
});

await agent.runAsync({ question: "What is 2+2?" });
await agent.close();
