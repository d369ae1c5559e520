// The tool-cycle contender: the bench's Kaizen agent (the same QASignature) with one tool().
import { z } from "zod";
import { BaseAgent, BaseAgentConfig, tool } from "@kaizen/core";
import { QASignature } from "./agent.js";
import { TOOL_DESCRIPTION, TOOL_NAME, weather } from "./tool-workload.js";
import { API_KEY, MODEL } from "./workload.js";

export function createToolAgent(baseUrl: string): BaseAgent<QASignature> {
  const config = new BaseAgentConfig({
    llmProvider: "openai",
    model: MODEL,
    apiKey: API_KEY,
    baseUrl,
    useAsyncLlm: true,
    structuredOutput: "json_schema",
    maxCycles: 3,
  });
  const getWeather = tool({
    name: TOOL_NAME,
    description: TOOL_DESCRIPTION,
    input: z.object({ city: z.string() }),
    execute: ({ city }) => weather(city),
  });
  return new BaseAgent({ config, signature: new QASignature(), tools: [getWeather] });
}
