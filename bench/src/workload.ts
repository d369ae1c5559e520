// The one structured call every contender makes: a question in, {answer, confidence} out.
// Each call asks a different question so nothing along the way can serve it from a cache.

export const MODEL = "gpt-4o";
export const API_KEY = "sk-bench-not-a-real-key";

export function question(i: number): string {
  return `Question ${i}: what is ${i} + ${i}?`;
}

export interface Answer {
  answer: string;
  confidence: number;
}

/** The minimal validation a careful raw-SDK user writes by hand. */
export function checkAnswer(value: unknown): Answer {
  if (typeof value !== "object" || value === null) throw new Error("answer is not an object");
  const { answer, confidence } = value as Record<string, unknown>;
  if (typeof answer !== "string") throw new Error(`answer.answer is ${typeof answer}, expected a string`);
  if (typeof confidence !== "number" || confidence < 0 || confidence > 1) {
    throw new Error(`answer.confidence is ${String(confidence)}, expected a number in [0, 1]`);
  }
  return { answer, confidence };
}

/** What the raw-SDK floor sends: the same task the agent's QASignature describes. */
export const RAW_SYSTEM_PROMPT = [
  "Answer the user's question.",
  "",
  "Reply with a JSON object with these fields:",
  "- answer (string): Detailed answer",
  "- confidence (number, 0.0-1.0): Confidence score 0.0-1.0",
].join("\n");

export const RAW_RESPONSE_FORMAT = {
  type: "json_schema",
  json_schema: {
    name: "QASignature",
    strict: true,
    schema: {
      type: "object",
      properties: {
        answer: { type: "string", description: "Detailed answer" },
        confidence: { type: "number", minimum: 0, maximum: 1, description: "Confidence score 0.0-1.0" },
      },
      required: ["answer", "confidence"],
      additionalProperties: false,
    },
  },
} as const;
