import { describe, expect, it } from "vitest";
import { AuthenticationError, ConfigurationError, KaizenError, ProviderError, RateLimitError, redactSecrets } from "./index.js";

describe("redactSecrets", () => {
  it("removes OpenAI and Anthropic style keys and bearer tokens", () => {
    const text = "key sk-proj-abcdefghijklmnop and sk-ant-api03-zzzzzzzzzzzz and Bearer abcdef123456";
    const out = redactSecrets(text);
    expect(out).not.toContain("abcdefghijklmnop");
    expect(out).not.toContain("zzzzzzzzzzzz");
    expect(out).not.toContain("abcdef123456");
  });

  it("removes the tail of a key the vendor masked itself", () => {
    const out = redactSecrets("401 Incorrect API key provided: sk-*****************ghij. You can find your API key at ...");
    expect(out).toBe("401 Incorrect API key provided: [redacted]. You can find your API key at ...");
    expect(redactSecrets("sk-proj-ab***********wxyz")).toBe("[redacted]");
  });

  it("removes key-value credentials but keeps the name", () => {
    expect(redactSecrets('{"x-api-key": "secret-value-1"}')).toBe('{"x-api-key": "[redacted]"}');
  });

  it("removes an explicitly given secret of any shape", () => {
    expect(redactSecrets("token=plainsecret9", ["plainsecret9"])).not.toContain("plainsecret9");
  });
});

describe("error classes", () => {
  it("keep their hierarchy, code and fields", () => {
    const err = new RateLimitError("slow down", { provider: "openai", retryAfterMs: 1000, requestId: "req_1" });
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toBeInstanceOf(KaizenError);
    expect(err.name).toBe("RateLimitError");
    expect(err.code).toBe("rate_limit");
    expect(err.status).toBe(429);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(1000);
    expect(err.requestId).toBe("req_1");
  });

  it("never put a key into a message", () => {
    const err = new AuthenticationError("Incorrect API key provided: sk-live-1234567890abcdef", {
      provider: "openai",
      status: 401,
    });
    expect(err.message).not.toContain("1234567890abcdef");
    expect(err.retryable).toBe(false);
  });

  it("name the field on configuration errors", () => {
    const err = new ConfigurationError("useAsyncLlm must be a boolean", { field: "useAsyncLlm" });
    expect(err.field).toBe("useAsyncLlm");
    expect(err.code).toBe("configuration_error");
  });
});
