// Streamable HTTP specifics against a real endpoint on 127.0.0.1: headers, sessions ended by
// close(), paged tool lists, hand-written schemas in two dialects, and unreachable servers.
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { startHttpMcpServer } from "./__fixtures__/http-server.js";
import { buildPagedServer, buildTestServer } from "./__fixtures__/test-server.js";
import { McpClosedError, McpConnectionClosedError, McpConnectionError, McpRequestError, connectMcp } from "./index.js";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const context = { signal: new AbortController().signal, toolCallId: "call_1", runId: "run_1" };

describe("Streamable HTTP", () => {
  it("sends headers with every request, and close() ends the session on the server", async () => {
    const http = await startHttpMcpServer(() => buildTestServer(), { requireHeader: ["x-api-token", "letmein"] });
    try {
      const mcp = await connectMcp({ url: http.url, headers: { "x-api-token": "letmein" } });
      expect(mcp.pid).toBeUndefined();
      expect(http.sessions()).toBe(1);
      const echoed = await mcp.callTool("echo", { text: "hi" });
      expect(echoed.content[0]).toMatchObject({ type: "text", text: "hi" });
      await mcp.close();
      expect(http.sessions()).toBe(0);
      await expect(mcp.tools()).rejects.toBeInstanceOf(McpClosedError);
    } finally {
      await http.close();
    }
  });

  it("a 401 is McpConnectionError that points at headers, and never shows them", async () => {
    const http = await startHttpMcpServer(() => buildTestServer(), { requireHeader: ["x-api-token", "letmein"] });
    try {
      const error: unknown = await connectMcp({
        url: `${http.url}?api_key=sk-secret-in-the-url`,
        headers: { "x-api-token": "wrong-token" },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpConnectionError);
      expect(error).toMatchObject({ code: "mcp_connection_failed", server: http.url });
      const message = (error as Error).message;
      expect(message).toContain("HTTP 401");
      expect(message).toContain("headers");
      expect(message).not.toContain("wrong-token");
      expect(message).not.toContain("sk-secret-in-the-url");
    } finally {
      await http.close();
    }
  });

  it("a closed port is McpConnectionError naming the URL", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/mcp`;
    const error: unknown = await connectMcp({ url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpConnectionError);
    expect(error).toMatchObject({ code: "mcp_connection_failed", server: url });
    expect((error as Error).message).toContain(`Could not reach the MCP server at ${url}: ECONNREFUSED`);
  });

  it("a server that stops while connected makes calls fail with McpConnectionClosedError", async () => {
    const http = await startHttpMcpServer(() => buildTestServer());
    const mcp = await connectMcp({ url: http.url });
    try {
      await http.close();
      const error: unknown = await mcp.callTool("echo", { text: "x" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpConnectionClosedError);
      expect((error as Error).message).toContain(http.url);
    } finally {
      await mcp.close();
    }
  });

  it("follows nextCursor through every page, and validates hand-written 2020-12 and draft-07 schemas", async () => {
    const http = await startHttpMcpServer(() => buildPagedServer());
    const mcp = await connectMcp({ url: http.url }, { prefix: "paged_" });
    try {
      const tools = await mcp.tools();
      expect(tools.map((t) => t.serverName)).toEqual([
        "greet",
        "count",
        "a-very-long-tool-name-that-goes-on-and-on-well-past-the-sixty-four-character-limit",
        "when",
        "last",
      ]);
      for (const tool of tools) expect(tool.name).toMatch(/^paged_[a-zA-Z0-9_-]{1,58}$/);
      const [greet, count, long, when] = tools;
      if (!greet || !count || !long || !when) throw new Error("missing tools");
      expect(long.name).toHaveLength(64);

      expect(greet.parseInput({ who: "Ada" }).success).toBe(true);
      expect(greet.parseInput({ who: "A" })).toMatchObject({
        success: false,
        message: expect.stringContaining("input.who") as unknown,
      });
      expect(greet.parseInput({ who: "Ada", extra: 1 })).toMatchObject({
        success: false,
        message: expect.stringContaining('unknown property "extra"') as unknown,
      });
      expect(count.parseInput({ items: ["a", "b"] }).success).toBe(true);
      expect(count.parseInput({ items: ["a", "b", "c", "d"] }).success).toBe(false);
      expect(when.parseInput({ at: "2026-12-02T10:00:00Z" }).success).toBe(true);
      expect(when.parseInput({ at: "next tuesday" }).success).toBe(false);

      // The server gets its own name back, whatever the model saw.
      await expect(long.execute({}, context)).resolves.toBe(`${long.serverName} {}`);
      const included = await mcp.tools({ include: (name) => name === "greet", needsApproval: true });
      expect(included.map((t) => [t.name, t.needsApproval])).toEqual([["paged_greet", true]]);
    } finally {
      await mcp.close();
      await http.close();
    }
  });

  it("a JSON-RPC error from the server is McpRequestError with its code", async () => {
    const http = await startHttpMcpServer(() => buildPagedServer());
    const mcp = await connectMcp({ url: http.url });
    try {
      const error: unknown = await mcp.callTool("missing", {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpRequestError);
      expect(error).toMatchObject({ code: "mcp_request_failed", rpcCode: -32602 });
      expect((error as Error).message).toContain("no tool named missing");
    } finally {
      await mcp.close();
      await http.close();
    }
  });
});
