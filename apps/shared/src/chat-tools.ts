// The sample apps' two harmless built-in tools: nothing they do reaches the network, the disk or
// the process, so a model (or a user steering it) can call them freely.
import { tool } from "@kaizen/core";
import { z } from "zod";
import { evaluateExpression, MAX_EXPRESSION_CHARS } from "./calculator.js";
import { currentTime } from "./current-time.js";

export const calculatorTool = tool({
  name: "calculator",
  description:
    "Evaluate an arithmetic expression exactly, instead of computing in your head. Supports numbers, + - * / % ^ " +
    "(power), parentheses, pi, e and sqrt abs round floor ceil ln log10 sin cos tan min max. Example: (17 + 4) * 3.",
  input: z.object({
    expression: z.string().max(MAX_EXPRESSION_CHARS).describe("The arithmetic, e.g. (17 + 4) * 3"),
  }),
  // A refused expression throws a CalculatorError: the loop sends its message back to the model as this call's result.
  execute: ({ expression }) => ({ expression, result: evaluateExpression(expression) }),
});

export const currentTimeTool = tool({
  name: "current_time",
  description: "The current date and time, in UTC or in an IANA time zone such as Europe/Paris.",
  input: z.object({
    timeZone: z.string().max(64).optional().describe('An IANA time zone, e.g. "Europe/Paris"; default UTC'),
  }),
  execute: ({ timeZone }) => currentTime(timeZone ?? "UTC"),
});

/** The tools the chat API's tool mode gives its agent. */
export const builtinTools = [calculatorTool, currentTimeTool] as const;
