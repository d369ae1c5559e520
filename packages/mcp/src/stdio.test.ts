// The stdio transport's lifecycle against real child processes: close() stops the child, a
// server dying mid-call is a typed error with its stderr, and a command that cannot start says why.
import { KaizenError } from "@kaizen/contracts";
import { describe, expect, it } from "vitest";
import { stdioTestServer } from "./__fixtures__/stdio-spec.js";
import { McpClosedError, McpConnectionClosedError, McpConnectionError, connectMcp } from "./index.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const context = { signal: new AbortController().signal, toolCallId: "call_1", runId: "run_1" };

describe("stdio", () => {
  it("close() stops the child, is idempotent, and later calls throw McpClosedError", async () => {
    const mcp = await connectMcp(stdioTestServer(), { stderr: "ignore" });
    const pid = mcp.pid;
    expect(pid).toBeTypeOf("number");
    expect(alive(pid ?? -1)).toBe(true);
    const [echo] = (await mcp.tools()).filter((t) => t.name === "echo");
    if (!echo) throw new Error("no echo tool");

    await Promise.all([mcp.close(), mcp.close()]);
    await mcp.close();
    await expect.poll(() => alive(pid ?? -1), { timeout: 5_000 }).toBe(false);

    for (const attempt of [
      () => mcp.tools(),
      () => echo.execute({ text: "x" }, context),
      () => mcp.callTool("echo", { text: "x" }),
    ]) {
      const error: unknown = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpClosedError);
      expect(error).toMatchObject({ code: "mcp_closed" });
      expect((error as Error).message).toContain("connectMcp");
    }
  });

  it("close() during a call ends that call with McpClosedError", async () => {
    const mcp = await connectMcp(stdioTestServer(), { stderr: "ignore" });
    const call = mcp.callTool("slow", { ms: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await mcp.close();
    await expect(call).rejects.toBeInstanceOf(McpClosedError);
  });

  it("a server that exits mid-call is McpConnectionClosedError with its stderr, and so is every call after", async () => {
    const seen: string[] = [];
    const mcp = await connectMcp(stdioTestServer(), { stderr: (text) => seen.push(text) });
    try {
      const error: unknown = await mcp.callTool("crash", {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpConnectionClosedError);
      expect(error).toMatchObject({
        code: "mcp_connection_closed",
        server: expect.stringContaining("stdio-server.ts") as unknown,
      });
      expect((error as Error).message).toContain("exited while calling tool crash");
      expect((error as Error).message).toContain("crash tool: exiting with code 3");
      expect(seen.join("")).toContain("test server: starting");

      const after: unknown = await mcp.callTool("echo", { text: "x" }).catch((e: unknown) => e);
      expect(after).toBeInstanceOf(McpConnectionClosedError);
    } finally {
      await mcp.close();
    }
  });

  it("a command that does not exist is McpConnectionError naming it and the fix", async () => {
    const error: unknown = await connectMcp({ command: "kaizen-no-such-mcp-server", args: ["--flag"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpConnectionError);
    expect(error).toBeInstanceOf(KaizenError);
    expect(error).toMatchObject({ code: "mcp_connection_failed", server: "kaizen-no-such-mcp-server --flag" });
    expect((error as Error).message).toContain('"kaizen-no-such-mcp-server" was not found');
    expect((error as Error).message).toContain("full path");
  });

  it("a command that exits before the handshake is McpConnectionError with its stderr", async () => {
    const error: unknown = await connectMcp(
      { command: process.execPath, args: ["-e", "console.error('missing MCP_TOKEN'); process.exit(1)"] },
      { stderr: "ignore" },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpConnectionError);
    expect((error as Error).message).toContain("exited before the MCP handshake finished");
    expect((error as Error).message).toContain("missing MCP_TOKEN");
  });

  it("env reaches the server, on top of a minimal inherited environment", async () => {
    const script =
      "const out = { token: process.env.KAIZEN_TEST_TOKEN, secret: process.env.KAIZEN_TEST_PARENT_SECRET ?? null };" +
      "console.error(JSON.stringify(out)); process.exit(1)";
    process.env.KAIZEN_TEST_PARENT_SECRET = "parent-only";
    try {
      const error: unknown = await connectMcp(
        { command: process.execPath, args: ["-e", script], env: { KAIZEN_TEST_TOKEN: "given" } },
        { stderr: "ignore" },
      ).catch((e: unknown) => e);
      expect((error as Error).message).toContain('{"token":"given","secret":null}');
    } finally {
      delete process.env.KAIZEN_TEST_PARENT_SECRET;
    }
  });

  it("an abort during the handshake is AbortError and leaves no child behind", async () => {
    const controller = new AbortController();
    let pid = -1;
    const pending = connectMcp(
      { command: process.execPath, args: ["-e", "console.error(process.pid); setInterval(() => {}, 1000)"] },
      {
        signal: controller.signal,
        stderr: (text) => {
          pid = Number(text.trim());
          controller.abort();
        },
      },
    );
    const error: unknown = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "aborted" });
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });
});
