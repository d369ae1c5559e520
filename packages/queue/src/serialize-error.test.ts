import { AuthenticationError, RateLimitError } from "@kaizen/contracts";
import { describe, expect, it } from "vitest";
import { serializeError, UNKNOWN_ERROR_CODE } from "./index.js";

describe("serializeError", () => {
  it("keeps name, code, message and the provider fields, as plain JSON", () => {
    const error = new RateLimitError("openai: slow down", { provider: "openai", retryAfterMs: 500 });
    const plain = serializeError(error);
    expect(plain).toEqual({
      name: "RateLimitError",
      code: "rate_limit",
      message: "openai: slow down",
      retryable: true,
      status: 429,
      provider: "openai",
    });
    expect(JSON.parse(JSON.stringify(plain))).toEqual(plain);
  });

  it("a non-retryable provider error says so", () => {
    expect(serializeError(new AuthenticationError("bad key", { provider: "openai", status: 401 }))).toMatchObject({
      code: "authentication_error",
      retryable: false,
      status: 401,
    });
  });

  it("errors from outside Kaizen and thrown non-errors still get a code", () => {
    expect(serializeError(new TypeError("boom"))).toEqual({ name: "TypeError", code: UNKNOWN_ERROR_CODE, message: "boom" });
    expect(serializeError("just a string")).toEqual({ name: "Error", code: UNKNOWN_ERROR_CODE, message: "just a string" });
  });
});
