import { ConfigurationError } from "@kaizen/contracts";
import { describe, expect, it } from "vitest";
import { connectMcp } from "./index.js";
import type { McpServerSpec } from "./index.js";

async function rejection(promise: Promise<unknown>): Promise<ConfigurationError> {
  const error: unknown = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigurationError);
  return error as ConfigurationError;
}

describe("connectMcp checks its arguments before starting anything", () => {
  it("needs exactly one of command and url", async () => {
    expect((await rejection(connectMcp({} as McpServerSpec))).message).toContain("exactly one of `command`");
    const both = { command: "node", url: "http://127.0.0.1/mcp" } as unknown as McpServerSpec;
    expect((await rejection(connectMcp(both))).message).toContain("exactly one of `command`");
  });

  it("rejects an empty command, a bad url and a non-HTTP url, naming the field", async () => {
    expect(await rejection(connectMcp({ command: " " }))).toMatchObject({ field: "command" });
    expect(await rejection(connectMcp({ url: "not a url" }))).toMatchObject({ field: "url" });
    expect(await rejection(connectMcp({ url: "ws://127.0.0.1/mcp" }))).toMatchObject({ field: "url" });
  });

  it("rejects bad timeouts, policies and prefixes", async () => {
    const url = "http://127.0.0.1:9/mcp";
    expect(await rejection(connectMcp({ url }, { timeoutMs: 0 }))).toMatchObject({ field: "timeoutMs" });
    expect(await rejection(connectMcp({ url }, { connectTimeoutMs: Number.NaN }))).toMatchObject({ field: "connectTimeoutMs" });
    expect(await rejection(connectMcp({ url }, { toolNames: "rename" as "reject" }))).toMatchObject({ field: "toolNames" });
    expect(await rejection(connectMcp({ url }, { prefix: "a.b" }))).toMatchObject({ field: "prefix" });
  });

  it("an already aborted signal is AbortError, with nothing started", async () => {
    const error: unknown = await connectMcp({ command: "kaizen-no-such-mcp-server" }, { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "aborted" });
  });
});
