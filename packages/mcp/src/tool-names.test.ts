import { ConfigurationError } from "@kaizen/contracts";
import { describe, expect, it } from "vitest";
import { McpToolNameError } from "./errors.js";
import { checkPrefix, modelToolNames, sanitizeToolName } from "./tool-names.js";

const server = "node server.js";

describe("tool names", () => {
  it("keeps names models accept and renames the rest", () => {
    expect(sanitizeToolName("read_file")).toBe("read_file");
    expect(sanitizeToolName("files.read")).toBe("files_read");
    expect(sanitizeToolName("ns/tool name!")).toBe("ns_tool_name_");
    expect(sanitizeToolName("")).toBe("tool");
  });

  it("cuts long names to 64 characters and keeps two that share a beginning apart", () => {
    const a = sanitizeToolName(`${"x".repeat(70)}_a`);
    const b = sanitizeToolName(`${"x".repeat(70)}_b`);
    expect(a).toHaveLength(64);
    expect(b).toHaveLength(64);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });

  it("maps server names through the prefix and the policy", () => {
    const names = modelToolNames(["add", "files.read"], { prefix: "fs_", policy: "sanitize", server });
    expect([...names]).toEqual([
      ["add", "fs_add"],
      ["files.read", "fs_files_read"],
    ]);
  });

  it('"reject" throws McpToolNameError naming the tool and the fix', () => {
    const error = (() => {
      try {
        modelToolNames(["add", "files.read"], { policy: "reject", server });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(McpToolNameError);
    expect(error).toMatchObject({ code: "mcp_invalid_tool_name", toolName: "files.read", server });
    expect((error as Error).message).toContain('toolNames: "sanitize"');
  });

  it("two tools that reach the model under one name are an error, not a shadowing", () => {
    expect(() => modelToolNames(["files.read", "files_read"], { policy: "sanitize", server })).toThrow(
      /"files.read" and "files_read", which both reach the model as "files_read"/,
    );
  });

  it("a prefix models would reject is a ConfigurationError", () => {
    expect(() => checkPrefix("my tools.")).toThrow(ConfigurationError);
    expect(() => checkPrefix("fs_")).not.toThrow();
    expect(() => checkPrefix(undefined)).not.toThrow();
  });
});
