import { describe, expect, it } from "vitest";
import { BaseAgentConfig, ConfigurationError } from "./index.js";

describe('"provider:model" strings in BaseAgentConfig', () => {
  it("split into llmProvider and model when the prefix is a registered provider", () => {
    const openai = new BaseAgentConfig({ model: "openai:gpt-4o" });
    expect([openai.llmProvider, openai.model]).toEqual(["openai", "gpt-4o"]);
    const anthropic = new BaseAgentConfig({ model: "anthropic:claude-sonnet-4-6" });
    expect([anthropic.llmProvider, anthropic.model]).toEqual(["anthropic", "claude-sonnet-4-6"]);
    const same = new BaseAgentConfig({ llmProvider: "anthropic", model: "anthropic:claude-opus-4-7" });
    expect(same.model).toBe("claude-opus-4-7");
  });

  it("leave model ids with their own colons alone", () => {
    for (const model of ["ft:gpt-4o-mini:acme::abc123", "llama3:8b", "anthropic.claude-opus-4-7-v1:0"]) {
      const config = new BaseAgentConfig({ model });
      expect([config.llmProvider, config.model]).toEqual(["openai", model]);
    }
  });

  it("reject a prefix that contradicts llmProvider, or no model after it, naming the fix", () => {
    expect(() => new BaseAgentConfig({ llmProvider: "anthropic", model: "openai:gpt-4o" })).toThrow(ConfigurationError);
    expect(() => new BaseAgentConfig({ llmProvider: "anthropic", model: "openai:gpt-4o" })).toThrow(
      /names the provider "openai" but llmProvider is "anthropic"\. Fix: drop llmProvider, or write model: "gpt-4o"/,
    );
    expect(() => new BaseAgentConfig({ model: "openai:" })).toThrow(/names no model after "openai:"/);
  });

  it("round-trip through with() as the split form", () => {
    const config = new BaseAgentConfig({ model: "openai:gpt-4o" }).with({ temperature: 0.2 });
    expect([config.llmProvider, config.model, config.temperature]).toEqual(["openai", "gpt-4o", 0.2]);
  });
});
