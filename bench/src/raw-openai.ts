// The floor: the `openai` SDK used directly, one client reused for every call, the same
// structured call the agent makes, then JSON.parse and hand-written validation.
import OpenAI from "openai";
import { API_KEY, MODEL, RAW_RESPONSE_FORMAT, RAW_SYSTEM_PROMPT, checkAnswer, question, type Answer } from "./workload.js";

export function createRawClient(baseURL: string, fetch?: typeof globalThis.fetch): OpenAI {
  return new OpenAI({ apiKey: API_KEY, baseURL, ...(fetch ? { fetch } : {}) });
}

/** The request body, shared with the raw sync bridge's worker. */
export function rawRequest(i: number): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  return {
    model: MODEL,
    messages: [
      { role: "system", content: RAW_SYSTEM_PROMPT },
      { role: "user", content: `User question:\n${question(i)}` },
    ],
    response_format: RAW_RESPONSE_FORMAT,
  };
}

export async function rawContent(client: OpenAI, i: number): Promise<string> {
  const completion = await client.chat.completions.create(rawRequest(i));
  const content = completion.choices[0]?.message.content;
  if (typeof content !== "string") throw new Error("the completion has no message content");
  return content;
}

export async function rawCall(client: OpenAI, i: number): Promise<Answer> {
  return checkAnswer(JSON.parse(await rawContent(client, i)));
}
