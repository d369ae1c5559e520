// The bare Fastify handler the chat API is compared with (issue 20): POST /api/chat calling the
// raw openai SDK with exactly the request body the chat API's agent sends (captured from it once,
// the question put where the chat API puts it), then JSON.parse and the two-field check.
import type OpenAI from "openai";
import { checkAnswer } from "./workload.js";

type Body = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

/** Stands for the question in the captured body. */
export const QUESTION_SENTINEL = "KAIZEN_BENCH_QUESTION_7f3a";

/** Builds the request body for a question from the captured one: a template literal, as a hand-written handler has. */
export function bodyBuilder(template: Body): (question: string) => Body {
  const parts = template.messages.map((m) => {
    if (typeof m.content !== "string" || !m.content.includes(QUESTION_SENTINEL)) return undefined;
    const [before, after] = m.content.split(QUESTION_SENTINEL) as [string, string];
    return { before, after };
  });
  if (!parts.some((p) => p !== undefined)) throw new Error("the captured chat API request does not contain the question");
  return (question) => ({
    ...template,
    messages: template.messages.map((m, i) => {
      const p = parts[i];
      return p ? ({ ...m, content: `${p.before}${question}${p.after}` } as typeof m) : m;
    }),
  });
}

export async function answer(
  client: OpenAI,
  build: (question: string) => Body,
  question: string,
): Promise<{ response: string; confidence: number }> {
  const completion = await client.chat.completions.create(build(question));
  const content = completion.choices[0]?.message.content;
  if (typeof content !== "string") throw new Error("the completion has no message content");
  const { answer: response, confidence } = checkAnswer(JSON.parse(content));
  return { response, confidence };
}
