// Type tests (checked by `tsc --noEmit`): MCP tools are contract tools, so an agent's `tools`
// option takes them as they are, and the server spec is one of two shapes.
import type { Tool, ToolInputCheck } from "@kaizen/contracts";
import { expectTypeOf } from "vitest";
import { connectMcp } from "./index.js";
import type { McpConnection, McpServerSpec, McpTool, McpToolOutput } from "./index.js";

// What an agent's `tools` list holds: any tool, whatever its input type (a tool whose execute
// takes only its own input is not a Tool<unknown>), with parseInput open to anything.
type AnyTool = Omit<Tool<never, unknown>, "parseInput"> & { parseInput(input: unknown): ToolInputCheck<unknown> };

expectTypeOf<McpTool>().toExtend<Tool<Record<string, unknown>, McpToolOutput>>();
expectTypeOf<McpTool[]>().toExtend<readonly AnyTool[]>();
expectTypeOf<McpTool["execute"]>().returns.toEqualTypeOf<Promise<McpToolOutput>>();
expectTypeOf<McpTool["parseInput"]>().returns.toEqualTypeOf<
  { success: true; value: Record<string, unknown> } | { success: false; message: string }
>();
expectTypeOf<ReturnType<McpConnection["tools"]>>().toEqualTypeOf<Promise<McpTool[]>>();
expectTypeOf(connectMcp).returns.toEqualTypeOf<Promise<McpConnection>>();

expectTypeOf<{ command: "node"; args: ["server.js"] }>().toExtend<McpServerSpec>();
expectTypeOf<{ url: "http://127.0.0.1/mcp"; headers: { authorization: string } }>().toExtend<McpServerSpec>();
export function neverCalled(): Promise<McpConnection> {
  // @ts-expect-error a server is started by a command or reached at a url, so one of them is needed
  return connectMcp({ args: ["server.js"] });
}
