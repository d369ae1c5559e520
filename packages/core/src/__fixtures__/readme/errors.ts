import { InputField, OutputField, Signature } from "@kaizen/signatures";
import {
  BaseAgent,
  BaseAgentConfig,
  ConfigurationError,
  InputValidationError,
  OutputValidationError,
  ProviderError,
  RateLimitError,
} from "../../index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Response" });
}

const agent = new BaseAgent({
  config: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o", useAsyncLlm: true }),
  signature: new QASignature(),
});

/** What an HTTP handler does with each kind of failure. */
async function chat(message: string): Promise<{ status: number; body: unknown }> {
  try {
    const result = await agent.runAsync({ question: message });
    return { status: 200, body: { response: result.answer } };
  } catch (error) {
    if (error instanceof ConfigurationError) {
      // Python's ValueError: the agent is set up wrong (e.g. useAsyncLlm missing).
      return { status: 500, body: { detail: `Configuration error: ${error.message}` } };
    }
    if (error instanceof InputValidationError) {
      return { status: 400, body: { detail: error.message, field: error.field } };
    }
    if (error instanceof RateLimitError) {
      return { status: 429, body: { detail: "Busy, retry later", retryAfterMs: error.retryAfterMs } };
    }
    if (error instanceof ProviderError) {
      // Python's RuntimeError: the LLM API failed (after the provider's retries).
      return { status: 503, body: { detail: `Service error: ${error.message}` } };
    }
    if (error instanceof OutputValidationError) {
      return { status: 502, body: { detail: error.message, attempts: error.attempts } };
    }
    return { status: 500, body: { detail: "Internal error" } };
  }
}

console.log(await chat("What is 2+2?")); // { status: 200, body: { response: '...' } }
await agent.close();
