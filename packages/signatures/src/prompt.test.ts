import { describe, expect, it } from "vitest";
import { renderSystemPrompt, renderUserMessage } from "./index.js";
import { QASignature } from "./__fixtures__/qa.js";

describe("prompts", () => {
  it("renders the seed's QASignature", () => {
    const sig = new QASignature();
    expect(renderSystemPrompt(sig)).toMatchInlineSnapshot(`
      "Answer the user's question.

      Input fields:
      - question: string — User question

      Output fields:
      - answer: string — Detailed answer
      - confidence: number (>= 0, <= 1) — Confidence score 0.0-1.0

      Respond with a single JSON object containing the output fields and no other keys. Do not add any text before or after it and do not wrap it in code fences. The object must match this JSON Schema:
      {"type":"object","properties":{"answer":{"type":"string","description":"Detailed answer"},"confidence":{"type":"number","minimum":0,"maximum":1,"description":"Confidence score 0.0-1.0"}},"required":["answer","confidence"],"additionalProperties":false}"
    `);
    expect(renderUserMessage(sig, { question: "What is 2+2?" })).toMatchInlineSnapshot(`
      "User question (question):
      What is 2+2?"
    `);
  });
});
