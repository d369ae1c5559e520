import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { InputField, OutputField, Signature, signature } from "@kaizen/signatures";
import { BaseAgent, BaseAgentConfig } from "./index.js";
import type { AgentStream, BatchResult, DeepPartial, RunInfo } from "./index.js";
import { getRunInfo } from "./index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  context = InputField({ description: "Background", default: "" });
  answer = OutputField({ description: "Detailed answer" });
  confidence = OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) });
}

declare const agent: BaseAgent<QASignature>;

describe("BaseAgent types", () => {
  it("types run and runAsync results from the signature", () => {
    const result = agent.run({ question: "What is 2+2?" });
    expectTypeOf(result).toEqualTypeOf<{ answer: string; confidence: number }>();
    expectTypeOf(result.confidence).toBeNumber();
    expectTypeOf(agent.runAsync({ question: "Q", context: "C" })).resolves.toEqualTypeOf<{
      answer: string;
      confidence: number;
    }>();
  });

  it("rejects wrong inputs at compile time", () => {
    // @ts-expect-error: a missing required input
    void agent.runAsync({});
    // @ts-expect-error: a misspelled input
    void agent.runAsync({ qestion: "Q" });
    // @ts-expect-error: a wrong input type
    agent.run({ question: 42 });
    // @ts-expect-error: sessionId is an option, not an input
    void agent.runAsync({ question: "Q", sessionId: "s" });
    // @ts-expect-error: a result field that does not exist
    const _score = agent.run({ question: "Q" }).score;
  });

  it("types batches, streams and run info", () => {
    expectTypeOf(agent.batchAsync([{ question: "a" }])).resolves.toEqualTypeOf<
      BatchResult<{ answer: string; confidence: number }>[]
    >();
    const stream = agent.streamAsync({ question: "Q" });
    expectTypeOf(stream).toEqualTypeOf<AgentStream<{ answer: string; confidence: number }>>();
    expectTypeOf(stream.result).resolves.toEqualTypeOf<{ answer: string; confidence: number }>();
    expectTypeOf<DeepPartial<{ answer: string; confidence: number }>>().toEqualTypeOf<{ answer?: string; confidence?: number }>();
    expectTypeOf(getRunInfo(agent.run({ question: "Q" }))).toEqualTypeOf<RunInfo | undefined>();
  });

  it("works with the functional signature form", () => {
    const sig = signature({
      description: "Classify",
      inputs: { text: InputField({ description: "Text" }) },
      outputs: { label: OutputField({ description: "Label", schema: z.enum(["a", "b"]) }) },
    });
    const fn = new BaseAgent({ config: new BaseAgentConfig({ model: "gpt-4o" }), signature: sig });
    expectTypeOf(fn.run({ text: "x" }).label).toEqualTypeOf<"a" | "b">();
  });

  it("config options are typed", () => {
    // @ts-expect-error: useAsyncLlm is a boolean
    new BaseAgentConfig({ model: "gpt-4o", useAsyncLlm: "yes" });
    // @ts-expect-error: model is required
    new BaseAgentConfig({ llmProvider: "openai" });
    // @ts-expect-error: not a structured output mode
    new BaseAgentConfig({ model: "gpt-4o", structuredOutput: "xml" });
  });
});
