// What the tool loop reports: one record per tool call, the approval request, the per-cycle step.
import type { Tool, Usage } from "@kaizen/contracts";

/**
 * How a call ended. Everything but `ok` went back to the model as an error result (it can correct
 * itself): `invalid` input (bad JSON or failing the schema, `execute` never ran), `denied` by the
 * approver (or no approver), `timeout` (toolTimeoutMs), `error` (execute threw), `unknown` tool.
 */
export type ToolCallStatus = "ok" | "error" | "invalid" | "denied" | "timeout" | "unknown";

export interface ToolCallRecord {
  /** The id the model gave the call; its result went back under it. */
  id: string;
  name: string;
  /** The validated input, or the arguments as the model wrote them when they did not validate. */
  input: unknown;
  /** What `execute` returned (status `ok`). */
  output?: unknown;
  /** What the model was told instead of an output. */
  error?: string;
  status: ToolCallStatus;
  /** Wall time of the call, approval included. */
  ms: number;
}

/** What `onApproval` is asked about: one call, its input already validated. */
export interface ApprovalRequest {
  id: string;
  name: string;
  input: unknown;
  tool: Tool;
}

export type ApprovalHandler = (call: ApprovalRequest) => boolean | Promise<boolean>;

/** One model call of a run: the tool calls it asked for (none for the final answer) and its usage. */
export interface RunStep {
  /** 1-based, in order. */
  step: number;
  toolCalls: ToolCallRecord[];
  usage: Usage;
  costUsd?: number;
  /** Wall time of the model call. */
  modelMs: number;
  /**
   * The answer the model gave through the answer tool in the same reply as tool calls: not
   * accepted (it was written before their results), the model was asked to answer again.
   */
  rejectedAnswer?: unknown;
}
