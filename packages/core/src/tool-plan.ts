// The agent's tools, checked once at construction: unique valid names, the shape of each tool,
// and (for an agent that only runs synchronously) no async execute that run() could not wait for.
import { ConfigurationError } from "@kaizen/contracts";
import type { AnyTool, Tool, ToolSpec } from "@kaizen/contracts";
import type { BaseAgentConfig } from "./config.js";

export interface ToolPlan {
  byName: ReadonlyMap<string, Tool>;
  specs: readonly ToolSpec[];
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function toolPlan(tools: readonly AnyTool[] | undefined, config: BaseAgentConfig): ToolPlan | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) {
    throw new ConfigurationError("tools must be an array of tools: new BaseAgent({ config, signature, tools: [weather] }).", {
      field: "tools",
    });
  }
  if (tools.length === 0) return undefined;
  const byName = new Map<string, Tool>();
  const specs: ToolSpec[] = [];
  for (const [i, candidate] of (tools as readonly Tool[]).entries()) {
    if (
      typeof candidate !== "object" ||
      candidate === null ||
      typeof candidate.execute !== "function" ||
      typeof candidate.parseInput !== "function"
    ) {
      throw new ConfigurationError(`tools[${i}] is not a tool. Fix: build it with tool({ name, description, input, execute }).`, {
        field: "tools",
      });
    }
    if (!TOOL_NAME.test(candidate.name)) {
      throw new ConfigurationError(
        `tools[${i}] has the name ${JSON.stringify(candidate.name)}, which must match ^[a-zA-Z0-9_-]{1,64}$.`,
        {
          field: "tools",
        },
      );
    }
    if (byName.has(candidate.name)) {
      throw new ConfigurationError(
        `Two tools are named "${candidate.name}"; the model tells tools apart by name. Fix: rename one.`,
        {
          field: "tools",
        },
      );
    }
    // An async function is known to return a Promise; a sync one returning a Promise is caught when called.
    if (!config.useAsyncLlm && candidate.execute.constructor.name === "AsyncFunction") {
      throw new ConfigurationError(
        `The tool "${candidate.name}" has an async execute, but this agent only runs with run() (useAsyncLlm is false), ` +
          `which blocks its thread and cannot wait for it. Fix: set useAsyncLlm: true and call runAsync() or streamAsync(), or make execute synchronous.`,
        { field: "tools" },
      );
    }
    byName.set(candidate.name, candidate);
    const spec: ToolSpec = { name: candidate.name, parameters: candidate.parameters };
    if (candidate.description !== undefined) spec.description = candidate.description;
    const strict = (candidate as { strict?: unknown }).strict;
    if (typeof strict === "boolean") spec.strict = strict;
    specs.push(spec);
  }
  return { byName, specs };
}
