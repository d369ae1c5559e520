// Which agent answers a request, and the tool calls of its answer as the API reports them.
import { ConfigurationError, getRunInfo, type ToolCallRecord } from "@kaizen/core";
import type { QAAgent, ToolCallWatch } from "@kaizen/app-shared";
import type { ToolCallReport } from "./tool-schemas.js";

/** The tool mode's dependencies: the agent with the built-in tools, and the watch on its calls. */
export interface ToolDeps {
  agent: QAAgent;
  watch: ToolCallWatch;
}

/** The plain agent, or with `tools: true` the tool agent; a server built without one says how to fix it. */
export function agentFor(deps: { agent: QAAgent; tools?: ToolDeps | undefined }, tools: boolean | undefined): QAAgent {
  if (!tools) return deps.agent;
  if (!deps.tools) {
    throw new ConfigurationError(
      'this server has no tool agent, so "tools": true cannot be served. Fix: build the app with deps.tools ' +
        "(createQARuntime({ tools: true }) gives the agent and its watch), or send the request without tools.",
      { field: "tools" },
    );
  }
  return deps.tools.agent;
}

export function toolCallReport(step: number, call: ToolCallRecord): ToolCallReport {
  return {
    step,
    id: call.id,
    name: call.name,
    input: call.input,
    status: call.status,
    ...(call.status === "ok" ? { output: call.output ?? null } : {}),
    ...(call.error === undefined ? {} : { error: call.error }),
    ms: Math.round(call.ms * 100) / 100,
  };
}

/** Every tool call of a run's answer, in order. */
export function toolCallsOf(result: object): ToolCallReport[] {
  return (getRunInfo(result)?.steps ?? []).flatMap((s) => s.toolCalls.map((call) => toolCallReport(s.step, call)));
}
