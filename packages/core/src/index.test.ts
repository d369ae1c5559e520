import { describe, expect, it } from "vitest";
import * as provider from "@kaizen/contracts";
import * as signatures from "@kaizen/signatures";
import * as core from "./index.js";

describe("@kaizen/core public entry point", () => {
  it("re-exports the very error classes of @kaizen/contracts and @kaizen/signatures", () => {
    for (const name of [
      "ConfigurationError",
      "ProviderError",
      "RateLimitError",
      "AuthenticationError",
      "TimeoutError",
      "InvalidResponseError",
      "AbortError",
      "KaizenError",
    ] as const) {
      expect(core[name]).toBe(provider[name]);
    }
    expect(core.InputValidationError).toBe(signatures.InputValidationError);
  });

  it("OutputValidationError is a KaizenError with a stable code", () => {
    const error = new core.OutputValidationError({
      rawText: "{}",
      issues: [{ path: ["answer"], expected: "string", received: "nothing (missing)", message: "answer is required" }],
      attempts: 2,
    });
    expect(error).toBeInstanceOf(core.KaizenError);
    expect(error.code).toBe("output_validation_error");
    expect(error.name).toBe("OutputValidationError");
    expect(error.message).toBe(
      `The model's output did not match the signature after 2 attempts: answer: answer is required. Fix: raise maxReasks, use a model that follows JSON schemas, or set structuredOutput: "json_schema" (or "tool") in BaseAgentConfig.`,
    );
  });

  it("exposes the agent, the config and getRunInfo", () => {
    expect(typeof core.BaseAgent).toBe("function");
    expect(typeof core.BaseAgentConfig).toBe("function");
    expect(core.getRunInfo({})).toBeUndefined();
  });
});
