// The tool-cycle floor: the loop a careful raw-SDK user writes by hand. Ask with the tool, run
// each requested call (arguments parsed and checked), send the results back under their ids,
// then parse and check the final answer as raw-openai.ts does.
import type OpenAI from "openai";
import { rawRequest } from "./raw-openai.js";
import { TOOL_DESCRIPTION, TOOL_NAME, WEATHER_PARAMETERS, toolQuestion, weather } from "./tool-workload.js";
import { checkAnswer, type Answer } from "./workload.js";

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

const TOOLS: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  {
    type: "function",
    function: { name: TOOL_NAME, description: TOOL_DESCRIPTION, parameters: WEATHER_PARAMETERS, strict: true },
  },
];

function runTool(name: string, args: string): unknown {
  if (name !== TOOL_NAME) return { error: `unknown tool ${name}` };
  let input: unknown;
  try {
    input = JSON.parse(args);
  } catch {
    return { error: "arguments are not valid JSON" };
  }
  const city = (input as { city?: unknown } | null)?.city;
  if (typeof city !== "string") return { error: "city must be a string" };
  return weather(city);
}

/** One question through the loop; `cycles` is how many rounds of tool calls it took. */
export async function rawToolCycle(client: OpenAI, i: number, maxCycles = 3): Promise<{ answer: Answer; cycles: number }> {
  const base = rawRequest(i);
  const messages: Message[] = [base.messages[0] as Message, { role: "user", content: `User question:\n${toolQuestion(i)}` }];
  for (let cycle = 0; cycle <= maxCycles; cycle++) {
    const completion = await client.chat.completions.create({ ...base, messages, tools: TOOLS });
    const message = completion.choices[0]?.message;
    if (!message) throw new Error("the completion has no message");
    const calls = message.tool_calls ?? [];
    if (calls.length === 0) {
      if (typeof message.content !== "string") throw new Error("the completion has no message content");
      return { answer: checkAnswer(JSON.parse(message.content)), cycles: cycle };
    }
    messages.push({ role: "assistant", content: message.content ?? null, tool_calls: calls });
    for (const call of calls) {
      const output =
        call.type === "function" ? runTool(call.function.name, call.function.arguments) : { error: "not a function" };
      messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(output) });
    }
  }
  throw new Error(`the model still asked for tools after ${maxCycles} cycles`);
}
