import { describe, expect, it } from "vitest";
import { ConfigurationError } from "@kaizen/contracts";
import type { LLMProvider } from "@kaizen/contracts";
import { MockProvider } from "./mock-provider.js";
import { OpenAIProvider } from "./openai-provider.js";
import { createProvider, listProviders, registerProvider, unregisterProvider } from "./registry.js";

describe("provider registry", () => {
  it("knows the built-ins", () => {
    expect(listProviders()).toEqual(expect.arrayContaining(["openai", "mock"]));
    expect(createProvider("mock", { responses: ["hi"] })).toBeInstanceOf(MockProvider);
    const openai = createProvider("openai", { apiKey: "sk-registry-test-000000", useAsync: true });
    expect(openai).toBeInstanceOf(OpenAIProvider);
    expect(openai.name).toBe("openai");
  });

  it("lists the known names for an unknown one", () => {
    let caught: unknown;
    try {
      createProvider("nope");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as Error).message).toContain('"nope"');
    expect((caught as Error).message).toContain('"openai"');
    expect((caught as Error).message).toContain('"mock"');
  });

  it("registers, replaces and removes user providers", async () => {
    const mine: LLMProvider = { name: "mine", chatAsync: async () => Promise.reject(new Error("unused")) };
    registerProvider("registry-test-mine", (options) => ({ ...mine, name: String(options.label ?? "mine") }));
    try {
      expect(listProviders()).toContain("registry-test-mine");
      expect(createProvider("registry-test-mine", { label: "x" }).name).toBe("x");
      expect(() => registerProvider("", () => mine)).toThrow(ConfigurationError);
      expect(() => registerProvider("bad", "nope" as never)).toThrow(/factory/);
    } finally {
      expect(unregisterProvider("registry-test-mine")).toBe(true);
    }
    expect(listProviders()).not.toContain("registry-test-mine");
  });
});
