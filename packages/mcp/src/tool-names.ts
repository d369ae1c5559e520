// MCP allows tool names that models do not: the spec permits dots and up to 128 characters, while
// OpenAI and Anthropic accept only `^[a-zA-Z0-9_-]{1,64}$`. Names are mapped once, when the tools
// are listed, and the server always receives its own name back.
import { createHash } from "node:crypto";
import { ConfigurationError } from "@kaizen/contracts";
import { McpToolNameError } from "./errors.js";

export const MODEL_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_LENGTH = 64;

/** What to do with a server's tool name that a model would reject. */
export type ToolNamePolicy = "sanitize" | "reject";

/** Checks the `prefix` option up front, so a bad prefix fails at connect, not at the first list. */
export function checkPrefix(prefix: string | undefined): void {
  if (prefix === undefined || prefix === "") return;
  if (!/^[a-zA-Z0-9_-]{1,32}$/.test(prefix)) {
    throw new ConfigurationError(
      `prefix ${JSON.stringify(prefix)} is not allowed: use 1 to 32 letters, digits, "_" or "-" (e.g. "files_"), since it becomes part of every tool name the model sees.`,
      { field: "prefix" },
    );
  }
}

/**
 * Replaces every character a model rejects with "_"; a name still too long is cut and ends in a
 * short hash of the original, so two long names that share a beginning stay apart.
 */
export function sanitizeToolName(name: string): string {
  const replaced = name.replace(/[^a-zA-Z0-9_-]/g, "_");
  if (replaced.length === 0) return "tool";
  if (replaced.length <= MAX_LENGTH) return replaced;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${replaced.slice(0, MAX_LENGTH - 9)}_${hash}`;
}

/**
 * Maps the server's names to the names the model sees: the prefix first, then the policy. Two
 * server tools that would reach the model under one name are an error, never a silent shadowing.
 */
export function modelToolNames(
  serverNames: readonly string[],
  options: { prefix?: string; policy: ToolNamePolicy; server: string },
): Map<string, string> {
  const prefix = options.prefix ?? "";
  const byModelName = new Map<string, string>();
  const result = new Map<string, string>();
  for (const serverName of serverNames) {
    const wanted = `${prefix}${serverName}`;
    let modelName = wanted;
    if (!MODEL_TOOL_NAME.test(wanted)) {
      if (options.policy === "reject") {
        throw new McpToolNameError(
          `The MCP server ${options.server} has a tool named ${JSON.stringify(serverName)}${prefix ? ` (with the prefix: ${JSON.stringify(wanted)})` : ""}, which models reject: tool names must match ^[a-zA-Z0-9_-]{1,64}$. Pass toolNames: "sanitize" to connectMcp to rename it${prefix ? ", or use a shorter prefix" : ""}.`,
          { server: options.server, toolName: serverName },
        );
      }
      modelName = sanitizeToolName(wanted);
    }
    const clash = byModelName.get(modelName);
    if (clash !== undefined) {
      throw new McpToolNameError(
        `The MCP server ${options.server} has tools ${JSON.stringify(clash)} and ${JSON.stringify(serverName)}, which both reach the model as ${JSON.stringify(modelName)}. Rename one on the server, or leave one out with the \`include\` option of tools().`,
        { server: options.server, toolName: serverName },
      );
    }
    byModelName.set(modelName, serverName);
    result.set(serverName, modelName);
  }
  return result;
}
