// Applies a scripted finish (refusal, cut-off, content filter) to the answer the fake would have
// given, independent of the wire protocol; each wire module then frames it as its API does.
import { countTokens, type Completion } from "./fake-completion.js";
import type { FakeFinish, FakeRefusalCategory, FakeSentToolCall } from "./fake-llm-types.js";

export const DEFAULT_REFUSAL_EXPLANATION = "I'm sorry, but I can't help with that request.";

export type FinishedCompletion =
  | { kind: "answer"; completion: Completion; cut: boolean }
  /** Scripted tool calls: the reply is these calls, parallel when several. */
  | { kind: "calls"; calls: FakeSentToolCall[] }
  | { kind: "refusal"; explanation: string | null; category: FakeRefusalCategory | null; filtered: boolean };

export function applyFinish(
  completion: Completion,
  finish: FakeFinish | undefined,
  toolCalls?: FakeSentToolCall[],
): FinishedCompletion {
  // A scripted finish wins over scripted calls: a refusal or a cut is what the model did.
  if (toolCalls !== undefined && finish === undefined) return { kind: "calls", calls: toolCalls };
  switch (finish?.reason) {
    case undefined:
      return { kind: "answer", completion, cut: completion.truncated };
    case "refusal":
      return {
        kind: "refusal",
        explanation: finish.explanation ?? DEFAULT_REFUSAL_EXPLANATION,
        category: finish.category === undefined ? null : finish.category,
        filtered: false,
      };
    case "content_filter":
      return { kind: "refusal", explanation: null, category: "general_harms", filtered: true };
    case "length":
      return { kind: "answer", completion: cutInHalf(completion), cut: true };
  }
}

// Half the answer: for structured output that is JSON broken mid-value, what a real cut-off sends.
function cutInHalf(completion: Completion): Completion {
  const half = (text: string): string => text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  return completion.kind === "tool"
    ? { ...completion, arguments: half(completion.arguments), truncated: true }
    : { kind: "text", text: half(completion.text), truncated: true };
}

/** Output tokens reported for a cut-off answer: the whole budget when the request set one. */
export function cutOutputTokens(text: string, maxTokens: number | undefined): number {
  return maxTokens !== undefined && maxTokens > 0 ? maxTokens : Math.max(1, countTokens(text));
}
