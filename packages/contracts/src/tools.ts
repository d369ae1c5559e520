// The tool contract: what an agent needs to offer a function to the model and run it. Kept free
// of zod so that providers, MCP adapters and users' own tool sources can produce it; core's
// `tool()` builds one from a zod schema.
import type { JsonSchema } from "./provider.js";

/** What a tool's `execute` receives besides its input. */
export interface ToolExecutionContext {
  /** Fires when the run is aborted or the tool's time budget runs out. */
  signal: AbortSignal;
  /** The id the model gave this call; tool results go back under it. */
  toolCallId: string;
  /** The run this call belongs to. */
  runId: string;
  sessionId?: string;
}

/** The outcome of checking a tool's input before it runs. */
export type ToolInputCheck<I> = { success: true; value: I } | { success: false; message: string };

export interface Tool<I = unknown, O = unknown> {
  /** `^[a-zA-Z0-9_-]{1,64}$`: the rule both OpenAI and Anthropic enforce. */
  readonly name: string;
  readonly description?: string;
  /** The input's JSON Schema, sent to the model. */
  readonly parameters: JsonSchema;
  /** Validates what the model wrote; `execute` is never called with input that fails this. */
  parseInput(input: unknown): ToolInputCheck<I>;
  execute(input: I, context: ToolExecutionContext): O | Promise<O>;
  /** Whether a call must be approved before it runs: a fixed answer or one per input. */
  readonly needsApproval?: boolean | ((input: I) => boolean | Promise<boolean>);
}

/**
 * Any tool, whatever its input and output types: what an agent's `tools` list holds. (A
 * `Tool<{ city: string }>` is not a `Tool<unknown>`, since its execute takes only its own input.)
 */
export interface AnyTool extends Omit<Tool<never, unknown>, "parseInput"> {
  parseInput(input: unknown): ToolInputCheck<unknown>;
}
