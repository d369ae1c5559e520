import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InputField, OutputField, Signature, renderSystemPrompt, renderUserMessage, signature, validateInputs } from "./index.js";
import { QASignature } from "./__fixtures__/qa.js";
import { TriageSignature } from "./__fixtures__/rich.js";

describe("renderSystemPrompt", () => {
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
  });

  it("renders every field shape, optional fields and defaults", () => {
    expect(renderSystemPrompt(new TriageSignature())).toMatchInlineSnapshot(`
      "Triage the support ticket.

      Input fields:
      - ticket: string — The ticket text
      - customer: { id: integer; plan: "free" | "pro"; tags: string[] } — Customer record
      - maxSuggestions?: integer (>= 1, <= 5, default: 3) — How many suggestions
      - locale?: string — Reply language

      Output fields:
      - category: "billing" | "bug" | "question" — Ticket category
      - priority: "low" | "high" — Priority
      - urgent: boolean — Needs a human now
      - score: integer (>= 0, <= 10) — Severity
      - suggestions: { text: string (at least 1 character); tone: "formal" | "casual" }[] (at most 5 items) — Suggested replies
      - assignee: string | null — Team member, if known
      - notes?: string — Internal notes
      - labels: Record<string, number (>= 0, <= 1)> — Label weights

      Respond with a single JSON object containing the output fields and no other keys. Do not add any text before or after it and do not wrap it in code fences. The object must match this JSON Schema:
      {"type":"object","properties":{"category":{"type":"string","enum":["billing","bug","question"],"description":"Ticket category"},"priority":{"anyOf":[{"type":"string","const":"low"},{"type":"string","const":"high"}],"description":"Priority"},"urgent":{"type":"boolean","description":"Needs a human now"},"score":{"type":"integer","minimum":0,"maximum":10,"description":"Severity"},"suggestions":{"maxItems":5,"type":"array","items":{"type":"object","properties":{"text":{"type":"string","minLength":1,"description":"Reply text"},"tone":{"type":"string","enum":["formal","casual"],"description":"Tone of the reply"}},"required":["text","tone"],"additionalProperties":false},"description":"Suggested replies"},"assignee":{"type":["string","null"],"description":"Team member, if known"},"notes":{"type":"string","description":"Internal notes"},"labels":{"type":"object","propertyNames":{"type":"string"},"additionalProperties":{"type":"number","minimum":0,"maximum":1},"description":"Label weights"}},"required":["category","priority","urgent","score","suggestions","assignee","labels"],"additionalProperties":false}"
    `);
  });

  it("leaves the JSON Schema out on request, keeping the field list and the format", () => {
    const sig = new QASignature();
    const lean = renderSystemPrompt(sig, { jsonSchema: false });
    expect(lean).toMatchInlineSnapshot(`
      "Answer the user's question.

      Input fields:
      - question: string — User question

      Output fields:
      - answer: string — Detailed answer
      - confidence: number (>= 0, <= 1) — Confidence score 0.0-1.0

      Respond with a single JSON object containing the output fields and no other keys. Do not add any text before or after it and do not wrap it in code fences."
    `);
    expect(renderSystemPrompt(sig).startsWith(lean.slice(0, lean.lastIndexOf("\n\n")))).toBe(true);
    expect(lean.length).toBeLessThan(renderSystemPrompt(sig).length);
    expect(renderSystemPrompt(sig, { jsonSchema: false })).toBe(lean);
  });

  it("is deterministic: same text for every instance and for the functional form", () => {
    const fn = signature({
      name: "QASignature",
      description: "Answer the user's question.",
      inputs: { question: new QASignature().question },
      outputs: { answer: new QASignature().answer, confidence: new QASignature().confidence },
    });
    expect(renderSystemPrompt(new QASignature())).toBe(renderSystemPrompt(new QASignature()));
    expect(renderSystemPrompt(fn)).toBe(renderSystemPrompt(new QASignature()));
  });

  it("falls back to a generic instruction without a description, and omits an empty inputs section", () => {
    class Joke extends Signature {
      joke = OutputField({ description: "A short joke" });
    }
    expect(renderSystemPrompt(new Joke())).toMatchInlineSnapshot(`
      "Produce the output fields.

      Output fields:
      - joke: string — A short joke

      Respond with a single JSON object containing the output fields and no other keys. Do not add any text before or after it and do not wrap it in code fences. The object must match this JSON Schema:
      {"type":"object","properties":{"joke":{"type":"string","description":"A short joke"}},"required":["joke"],"additionalProperties":false}"
    `);
  });
});

describe("renderUserMessage", () => {
  it("puts each input under its description", () => {
    expect(renderUserMessage(new QASignature(), { question: "What is 2+2?" })).toMatchInlineSnapshot(`
      "User question (question):
      What is 2+2?"
    `);
  });

  it("renders objects as JSON, applies defaults, leaves out absent optional inputs, ignores other keys", () => {
    const sig = new TriageSignature();
    const inputs = validateInputs(sig, {
      ticket: "I was charged twice.",
      customer: { id: 7, plan: "pro", tags: ["vip"] },
    });
    expect(renderUserMessage(sig, inputs)).toMatchInlineSnapshot(`
      "The ticket text (ticket):
      I was charged twice.

      Customer record (customer):
      {
        "id": 7,
        "plan": "pro",
        "tags": [
          "vip"
        ]
      }

      How many suggestions (maxSuggestions):
      3"
    `);
    expect(renderUserMessage(sig, { ...inputs, sessionId: "s1", extra: 1 } as never)).toBe(renderUserMessage(sig, inputs));
  });

  it("renders numbers, booleans, null, arrays and dates", () => {
    const sig = signature({
      description: "d",
      inputs: {
        n: InputField({ description: "A number", schema: z.number() }),
        list: InputField({ description: "A list", schema: z.array(z.string()).nullable() }),
        flag: InputField({ description: "A flag", schema: z.boolean() }),
        at: InputField({ description: "A date", schema: z.date() }),
      },
      outputs: { a: OutputField({ description: "a" }) },
    });
    const at = new Date("2026-01-02T00:00:00Z");
    expect(renderUserMessage(sig, { n: 2, list: ["a", "b"], flag: false, at })).toBe(
      'A number (n):\n2\n\nA list (list):\n[\n  "a",\n  "b"\n]\n\nA flag (flag):\nfalse\n\nA date (at):\n2026-01-02T00:00:00.000Z',
    );
    expect(renderUserMessage(sig, { n: 0, list: null, flag: true, at })).toContain("A list (list):\nnull");
  });

  it("is never empty", () => {
    const sig = signature({ description: "Tell a joke.", inputs: {}, outputs: { joke: OutputField({ description: "Joke" }) } });
    expect(renderUserMessage(sig, {})).toBe("(no inputs)");
  });
});
