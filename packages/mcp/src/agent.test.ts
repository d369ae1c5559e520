// An MCP server's tools used by a Kaizen agent: the model (the fake LLM server, OpenAI wire)
// calls the server's tools through the agent loop; results and tool errors go back to the model.
import { BaseAgent, BaseAgentConfig, getRunInfo } from "@kaizen/core";
import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { startFakeLLMServer, toolResultsOf } from "@kaizen/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stdioTestServer } from "./__fixtures__/stdio-spec.js";
import { connectMcp } from "./index.js";
import type { McpConnection } from "./index.js";

class QASignature extends Signature {
  static override description = "Answer the question.";
  question = InputField({ description: "The question" });
  answer = OutputField({ description: "The answer" });
}

let server: Awaited<ReturnType<typeof startFakeLLMServer>>;
let mcp: McpConnection;
beforeAll(async () => {
  server = await startFakeLLMServer();
  mcp = await connectMcp(stdioTestServer(), { stderr: "ignore", prefix: "math_" });
});
afterAll(async () => {
  await mcp.close();
  await server.close();
});

describe("an agent with an MCP server's tools", () => {
  it("calls them; outputs and isError messages go back to the model under the call ids", async () => {
    const agent = new BaseAgent({
      config: new BaseAgentConfig({
        llmProvider: "openai",
        model: "gpt-4o-mini",
        apiKey: "sk-fake-mcp-0001",
        baseUrl: server.openaiBaseUrl,
        useAsyncLlm: true,
      }),
      signature: new QASignature(),
      tools: await mcp.tools(),
    });
    try {
      server.toolCalls([
        { name: "math_add", arguments: { a: 2, b: 40 }, id: "call_add" },
        { name: "math_fail", arguments: { reason: "no disk" }, id: "call_fail" },
        { name: "math_add", arguments: { a: "x" }, id: "call_bad" },
      ]);
      const result = await agent.runAsync({ question: "What is 2 + 40?" });
      expect(typeof result.answer).toBe("string");
      const results = toolResultsOf(server.requests[1]!);
      expect(results[0]).toEqual({ toolCallId: "call_add", content: '{"sum":42}' });
      expect(results[1]!.toolCallId).toBe("call_fail");
      expect(results[1]!.content).toContain("could not do it: no disk");
      expect(results[2]!.content).toContain("input.a must be number");
      expect(results[1]!.content).toContain("McpToolError");
      expect(getRunInfo(result)!.steps[0]!.toolCalls.map((c) => [c.name, c.status])).toEqual([
        ["math_add", "ok"],
        ["math_fail", "error"],
        ["math_add", "invalid"],
      ]);
      // The server's schema reached the model (lowered to OpenAI's strict form by the provider).
      const sentTools = JSON.stringify((server.requests[0]!.body as { tools: unknown }).tools);
      expect(sentTools).toContain('"name":"math_add"');
      expect(sentTools).toContain('"description":"first addend"');
      expect(sentTools).toContain('"name":"math_text_upper"');
    } finally {
      await agent.close();
    }
  });
});
