// The same behaviour over both transports, against a real MCP server built with the SDK: a child
// process on stdio, and a Streamable HTTP endpoint on 127.0.0.1.
import { AbortError, KaizenError } from "@kaizen/contracts";
import type { ToolExecutionContext } from "@kaizen/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpMcpServer } from "./__fixtures__/http-server.js";
import type { TestHttpServer } from "./__fixtures__/http-server.js";
import { stdioTestServer } from "./__fixtures__/stdio-spec.js";
import { buildTestServer } from "./__fixtures__/test-server.js";
import { McpTimeoutError, McpToolError, connectMcp } from "./index.js";
import type { McpConnection, McpServerSpec, McpTool } from "./index.js";

function context(signal: AbortSignal = new AbortController().signal): ToolExecutionContext {
  return { signal, toolCallId: "call_1", runId: "run_1" };
}

function byName(tools: readonly McpTool[], name: string): McpTool {
  const found = tools.find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name} in ${tools.map((t) => t.name).join(", ")}`);
  return found;
}

let http: TestHttpServer;
beforeAll(async () => {
  http = await startHttpMcpServer(() => buildTestServer());
});
afterAll(async () => {
  await http.close();
});

const transports: [string, () => McpServerSpec][] = [
  ["stdio", stdioTestServer],
  ["Streamable HTTP", () => ({ url: http.url })],
];

describe.each(transports)("over %s", (_transport, spec) => {
  let mcp: McpConnection;
  let tools: McpTool[];
  beforeAll(async () => {
    mcp = await connectMcp(spec(), { stderr: "ignore" });
    tools = await mcp.tools();
  }, 60_000);
  afterAll(async () => {
    await mcp.close();
  });

  it("lists the server's tools under names a model accepts", () => {
    expect(tools.map((t) => t.name).sort()).toEqual(
      expect.arrayContaining(["add", "echo", "fail", "slow", "stats", "text_upper"]),
    );
    for (const tool of tools) expect(tool.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(byName(tools, "text_upper").serverName).toBe("text.upper");
    expect(byName(tools, "add").description).toBe("Adds two numbers.");
    expect(byName(tools, "add").annotations).toMatchObject({ readOnlyHint: true });
  });

  it("passes the server's input JSON Schema through as parameters", () => {
    expect(byName(tools, "add").parameters).toMatchObject({
      type: "object",
      properties: { a: { type: "number", description: "first addend" }, b: { type: "number", description: "second addend" } },
      required: ["a", "b"],
    });
    expect(byName(tools, "echo").parameters).toMatchObject({ properties: { text: { type: "string", minLength: 1 } } });
  });

  it("parseInput accepts valid input and names what is wrong with bad input", () => {
    const add = byName(tools, "add");
    expect(add.parseInput({ a: 1, b: 2 })).toEqual({ success: true, value: { a: 1, b: 2 } });
    const wrongType = add.parseInput({ a: "1", b: 2 });
    expect(wrongType.success).toBe(false);
    if (!wrongType.success) expect(wrongType.message).toContain("input.a must be number");
    const missing = add.parseInput({ a: 1 });
    expect(missing.success).toBe(false);
    if (!missing.success) expect(missing.message).toContain("must have required property 'b'");
    const tooShort = byName(tools, "echo").parseInput({ text: "" });
    expect(tooShort.success).toBe(false);
    expect(add.parseInput("not an object").success).toBe(false);
  });

  it("execute returns structuredContent when the tool gives it, and its text otherwise", async () => {
    await expect(byName(tools, "add").execute({ a: 2, b: 40 }, context())).resolves.toEqual({ sum: 42 });
    await expect(byName(tools, "echo").execute({ text: "hi" }, context())).resolves.toBe("hi\n(2 characters)");
    await expect(byName(tools, "text_upper").execute({ text: "dotted" }, context())).resolves.toBe("DOTTED");
  });

  it("an isError result becomes a thrown McpToolError carrying the tool's own text", async () => {
    const error: unknown = await byName(tools, "fail")
      .execute({ reason: "no disk" }, context())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpToolError);
    expect(error).toBeInstanceOf(KaizenError);
    expect(error).toMatchObject({ code: "mcp_tool_error", toolName: "fail", message: "could not do it: no disk" });
    const raw = await mcp.callTool("fail", { reason: "raw" });
    expect(raw.isError).toBe(true);
  });

  it("abort cancels a slow call, and the server sees the cancellation", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const call = byName(tools, "slow").execute({ ms: 10_000 }, context(controller.signal));
    setTimeout(() => controller.abort(new Error("user pressed stop")), 150);
    const error: unknown = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: "aborted" });
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect
      .poll(async () => (await byName(tools, "stats").execute({}, context())) as { cancelled: number })
      .toMatchObject({
        cancelled: 1,
      });
  });

  it("an already aborted signal sends nothing", async () => {
    const before = (await byName(tools, "stats").execute({}, context())) as { slowStarted: number };
    const error: unknown = await byName(tools, "slow")
      .execute({ ms: 1 }, context(AbortSignal.abort()))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    const after = (await byName(tools, "stats").execute({}, context())) as { slowStarted: number };
    expect(after.slowStarted).toBe(before.slowStarted);
  });

  it("a call past timeoutMs fails with McpTimeoutError naming the setting", async () => {
    const quick = await connectMcp(spec(), { timeoutMs: 300, stderr: "ignore" });
    try {
      const started = Date.now();
      const error: unknown = await quick.callTool("slow", { ms: 5_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpTimeoutError);
      expect(error).toMatchObject({ code: "mcp_timeout", timeoutMs: 300 });
      expect((error as Error).message).toContain("timeoutMs");
      expect(Date.now() - started).toBeLessThan(3_000);
      // The connection survives a timed-out call.
      const after = await quick.callTool("echo", { text: "still here" });
      expect(after.content[0]).toMatchObject({ type: "text", text: "still here" });
    } finally {
      await quick.close();
    }
  }, 30_000);

  it("an unknown tool comes back as McpServer reports it: an error result, thrown by execute", async () => {
    const raw = await mcp.callTool("nope", {});
    expect(raw.isError).toBe(true);
    expect(JSON.stringify(raw.content)).toContain("nope");
  });
});
