// The tool cycle both contenders run (issue 16): the question names the tool, so the fake LLM
// (tool_choice auto) asks for one get_weather call; the tool runs; its result goes back; the
// model answers {answer, confidence}. Two requests per cycle.
import { question } from "./workload.js";

export const TOOL_NAME = "get_weather";
export const TOOL_DESCRIPTION = "Current weather for a city";

export function toolQuestion(i: number): string {
  return `${question(i)} Check ${TOOL_NAME} for Paris first.`;
}

/** The tool itself, shared so both contenders do the same work inside it. */
export function weather(city: string): { city: string; tempC: number } {
  return { city, tempC: 21 };
}

/** The tool's input schema as JSON Schema, as a raw-SDK user writes it by hand. */
export const WEATHER_PARAMETERS = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
  additionalProperties: false,
} as const;
