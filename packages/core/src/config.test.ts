import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { listProviders } from "@kaizen/providers";
import { BaseAgentConfig, ConfigValidationError, ConfigurationError } from "./index.js";
import type { BaseAgentConfigOptions } from "./index.js";

function problem(options: unknown): ConfigValidationError {
  try {
    new BaseAgentConfig(options as BaseAgentConfigOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(ConfigValidationError);
    return error as ConfigValidationError;
  }
  throw new Error("expected a ConfigurationError");
}

describe("BaseAgentConfig", () => {
  it("defaults: openai, useAsyncLlm false, structuredOutput auto, one re-ask, hook errors reported", () => {
    const config = new BaseAgentConfig({ model: "gpt-4o" });
    expect(config.llmProvider).toBe("openai");
    expect(config.useAsyncLlm).toBe(false);
    expect(config.structuredOutput).toBe("auto");
    expect(config.maxReasks).toBe(1);
    expect(config.hookErrors).toBe("report");
    expect(config.temperature).toBeUndefined();
  });

  it("keeps the values it was given", () => {
    const config = new BaseAgentConfig({
      llmProvider: "mock",
      model: "mock-model",
      temperature: 0.7,
      maxTokens: 500,
      topP: 0.9,
      useAsyncLlm: true,
      baseUrl: "http://127.0.0.1:8787",
      timeoutMs: 5000,
      maxRetries: 0,
      structuredOutput: "tool",
      maxReasks: 0,
      memoryMaxTurns: 10,
      hookErrors: "throw",
      providerOptions: { defaultHeaders: { "x-team": "kaizen" } },
    });
    expect(config.toOptions()).toMatchObject({
      llmProvider: "mock",
      temperature: 0.7,
      maxTokens: 500,
      maxReasks: 0,
      maxRetries: 0,
    });
  });

  it("rejects a non-boolean useAsyncLlm with the field and the fix", () => {
    const error = problem({ model: "gpt-4o", useAsyncLlm: "yes" });
    expect(error.field).toBe("useAsyncLlm");
    expect(error.message).toMatch(/^useAsyncLlm must be a boolean/);
    expect(error.message).toContain('"yes" (string)');
    expect(error.message).toContain("useAsyncLlm: true");
    expect(problem({ model: "gpt-4o", useAsyncLlm: 1 }).message).toContain("1 (number)");
  });

  it.each([
    ["temperature", { temperature: 2.5 }, /temperature must be a number from 0 to 2; got 2\.5 \(number\)/],
    ["temperature", { temperature: -0.1 }, /temperature must be a number from 0 to 2/],
    ["temperature", { temperature: "hot" }, /got "hot" \(string\)/],
    ["maxTokens", { maxTokens: 0 }, /maxTokens must be a positive integer; got 0 \(number\)\. Fix: e\.g\. maxTokens: 500/],
    ["maxTokens", { maxTokens: 10.5 }, /maxTokens must be a positive integer/],
    ["topP", { topP: 1.5 }, /topP must be a number from 0 to 1/],
    ["timeoutMs", { timeoutMs: -1 }, /timeoutMs must be a positive number of milliseconds/],
    ["maxRetries", { maxRetries: -1 }, /maxRetries must be an integer of 0 or more/],
    ["maxReasks", { maxReasks: 1.5 }, /maxReasks must be an integer of 0 or more/],
    ["memoryMaxTurns", { memoryMaxTurns: 0 }, /memoryMaxTurns must be a positive integer/],
    ["memoryMaxTokens", { memoryMaxTokens: 2.5 }, /memoryMaxTokens must be a positive integer/],
    [
      "structuredOutput",
      { structuredOutput: "xml" },
      /structuredOutput must be one of "auto", "json_schema", "tool", "json_object", "prompt"/,
    ],
    ["hookErrors", { hookErrors: "ignore" }, /hookErrors must be "report" or "throw"/],
    ["baseUrl", { baseUrl: "localhost:8787" }, /baseUrl must be an absolute http\(s\) URL/],
    ["providerOptions", { providerOptions: [1] }, /providerOptions must be a plain object; got an array/],
  ])("rejects a bad %s", (field, bad, message) => {
    const error = problem({ model: "gpt-4o", ...bad });
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.problems).toHaveLength(1);
  });

  it("requires a model and says how to give one", () => {
    const error = problem({ llmProvider: "openai" });
    expect(error.field).toBe("model");
    expect(error.message).toBe(
      `model is required: pass the model name, e.g. new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o" }).`,
    );
    expect(problem({ model: 4 }).message).toContain("model must be a model name string");
  });

  it("lists the known providers for an unknown one", () => {
    const error = problem({ llmProvider: "openia", model: "gpt-4o" });
    expect(error.field).toBe("llmProvider");
    expect(listProviders()).toContain("openai");
    expect(error.message).toContain(
      `llmProvider "openia" is not a known provider. Known providers: ${listProviders().join(", ")}.`,
    );
    expect(error.message).toContain('registerProvider("openia", factory)');
  });

  it("names unknown options and suggests the intended one (Python spellings included)", () => {
    const error = problem({ model: "gpt-4o", use_async_llm: true, temprature: 0.5, colour: "blue" });
    expect(error.problems.map((p) => p.message)).toEqual([
      'Unknown option "use_async_llm". Did you mean "useAsyncLlm"?',
      'Unknown option "temprature". Did you mean "temperature"?',
      expect.stringMatching(/^Unknown option "colour"\. Known options: llmProvider, model, /),
    ]);
  });

  it("reports every problem at once, the first one's field on the error", () => {
    const error = problem({ temperature: 3, maxTokens: -5, useAsyncLlm: "true" });
    expect(error.field).toBe("model");
    expect(error.problems.map((p) => p.field)).toEqual(["model", "temperature", "maxTokens", "useAsyncLlm"]);
    expect(error.message.split("\n")[0]).toBe("BaseAgentConfig has 4 problems:");
    expect(error.message).toContain("  - temperature must be a number from 0 to 2");
  });

  it("reports a rule between fields beside the fields' own problems", () => {
    const error = problem({
      model: true,
      colour: "blue",
      providerOptions: "yes",
      onTruncated: "retry-with-more",
      maxTokens: 500,
    });
    expect(error.problems.map((p) => p.field)).toEqual(["colour", "model", "providerOptions", "maxTokensCeiling"]);
    expect(error.problems[3]!.message).toMatch(/^onTruncated "retry-with-more" needs maxTokensCeiling/);
    const below = problem({ model: "gpt-4o", temperature: 9, maxTokens: 500, maxTokensCeiling: 400 });
    expect(below.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^temperature must be a number from 0 to 2/),
      "maxTokensCeiling (400) is below maxTokens (500), so no retry could ask for more. Fix: raise maxTokensCeiling above maxTokens.",
    ]);
  });

  it("reports one problem per field, the first rule its value broke", () => {
    const error = problem({ model: "gpt-4o", maxTokens: -0.5, maxCycles: 100.5, timeoutMs: Infinity });
    expect(error.problems.map((p) => p.field)).toEqual(["maxTokens", "timeoutMs", "maxCycles"]);
    expect(error.problems[0]!.message).toContain("got -0.5 (number)");
    expect(error.problems[1]!.message).toContain("got Infinity (number)");
  });

  it("is frozen: assignment throws in strict mode", () => {
    const config = new BaseAgentConfig({ model: "gpt-4o" });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { useAsyncLlm: boolean }).useAsyncLlm = true;
    }).toThrow(TypeError);
    expect(() => {
      (config.providerOptions as Record<string, unknown>).x = 1;
    }).toThrow(TypeError);
  });

  it("never shows the API key: not enumerable, redacted in JSON and inspect, absent from errors", () => {
    const key = "sk-test-0123456789abcdefghij";
    const config = new BaseAgentConfig({
      model: "gpt-4o",
      apiKey: key,
      providerOptions: { azureToken: "tok-123456789", region: "eu" },
    });
    expect(config.apiKey).toBe(key);
    expect(Object.keys(config)).not.toContain("apiKey");
    expect(JSON.stringify(config)).not.toContain(key);
    expect(JSON.stringify(config)).toContain('"apiKey":"[redacted]"');
    expect(JSON.stringify(config)).not.toContain("tok-123456789");
    expect(JSON.stringify(config)).toContain('"region":"eu"');
    const shown = inspect(config, { depth: 5 });
    expect(shown).not.toContain(key);
    expect(shown).toContain("BaseAgentConfig");
    expect(shown).toContain("[redacted]");
    expect(String(config)).not.toContain(key);
    const error = problem({ model: "gpt-4o", apiKey: 12345678901234 });
    expect(error.message).not.toContain("12345678901234");
  });

  it("with() derives a new validated config", () => {
    const sync = new BaseAgentConfig({ model: "gpt-4o", apiKey: "sk-abcdefghijklmnop" });
    const async = sync.with({ useAsyncLlm: true });
    expect(async.useAsyncLlm).toBe(true);
    expect(async.apiKey).toBe("sk-abcdefghijklmnop");
    expect(sync.useAsyncLlm).toBe(false);
    expect(() => sync.with({ temperature: 9 })).toThrow(/temperature must be a number from 0 to 2/);
  });
});
