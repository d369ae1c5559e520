// The tool mode's part of the API's schemas (and so of its OpenAPI document).
import { z } from "zod";

export const TOOLS_DESCRIPTION =
  "Let the model call the built-in tools before it answers: calculator (arithmetic: + - * / % ^, parentheses, pi, e, " +
  "sqrt, abs, round, floor, ceil, ln, log10, sin, cos, tan, min, max; anything else is refused and the model is told why) " +
  "and current_time (now, in UTC or an IANA time zone such as Europe/Paris). Default false.";

export const toolsFlag = z.boolean().optional().describe(TOOLS_DESCRIPTION);

export const toolCallStatus = z
  .enum(["ok", "error", "invalid", "denied", "timeout", "unknown"])
  .describe(
    "ok: output holds the result. error: the tool refused or failed (e.g. a bad expression); invalid: the arguments did not " +
      "fit the tool's schema; unknown: no such tool. In every case but ok the model got the error text back and could correct itself.",
  );

/** One tool call as the API reports it: the `tool-result` stream event and `toolCalls` of a JSON answer. */
export const toolCall = z.object({
  step: z.number().int().describe("The model call (1-based) that asked for it."),
  id: z.string().describe("The call id the model gave it."),
  name: z.string().describe("calculator or current_time."),
  input: z.unknown().describe("The arguments: validated, or as the model wrote them when they were not valid."),
  status: toolCallStatus,
  output: z.unknown().optional().describe("What the tool returned (status ok)."),
  error: z.string().optional().describe("What the model was told instead (any other status)."),
  ms: z.number().describe("How long the call took."),
});
export type ToolCallReport = z.infer<typeof toolCall>;

/** A stored turn's tool call as the history reports it: what memory keeps of a `toolCall`. */
export const historyToolCall = z.object({
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  status: z.enum(["ok", "error"]).describe("ok: output holds the result; error: the model was told `error` instead."),
  output: z.unknown().optional(),
  error: z.string().optional(),
});
export type HistoryToolCall = z.infer<typeof historyToolCall>;
