import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import type { ProviderError } from "@kaizen/contracts";
import { AbortError, AuthenticationError, InvalidResponseError, RateLimitError, TimeoutError } from "@kaizen/contracts";
import { mapProviderError, parseRetryAfterMs } from "./errors-map.js";

const KEY = "sk-errors-map-DISTINCTIVE-KEY-123456";
const ctx = { provider: "openai", secrets: [KEY] };

function openaiError(status: number, headers: Record<string, string> = {}, message = "nope") {
  return OpenAI.APIError.generate(status, { error: { message } }, message, new Headers(headers));
}

describe("parseRetryAfterMs", () => {
  it("reads retry-after-ms, Retry-After seconds and Retry-After HTTP dates", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after-ms": "1500" }))).toBe(1500);
    expect(parseRetryAfterMs({ "Retry-After": "1" })).toBe(1000);
    expect(parseRetryAfterMs({ "retry-after": "2", "retry-after-ms": "250" })).toBe(250);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfterMs({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }, now)).toBe(3000);
    expect(parseRetryAfterMs({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });
});

describe("mapProviderError (openai SDK)", () => {
  it("maps 429 to RateLimitError with retryAfterMs and the request id", () => {
    const mapped = mapProviderError(openaiError(429, { "retry-after": "1", "x-request-id": "req_1" }), ctx);
    expect(mapped).toBeInstanceOf(RateLimitError);
    expect(mapped).toMatchObject({ retryAfterMs: 1000, requestId: "req_1", status: 429, retryable: true, provider: "openai" });
  });

  it("maps 401 and 403 to AuthenticationError, not retryable", () => {
    for (const status of [401, 403]) {
      const mapped = mapProviderError(openaiError(status), ctx);
      expect(mapped).toBeInstanceOf(AuthenticationError);
      expect((mapped as ProviderError).retryable).toBe(false);
    }
  });

  it("marks 408, 409, 5xx retryable and 400, 404, 422 not", () => {
    for (const status of [408, 409, 500, 502, 503, 529])
      expect((mapProviderError(openaiError(status), ctx) as ProviderError).retryable).toBe(true);
    for (const status of [400, 404, 422])
      expect((mapProviderError(openaiError(status), ctx) as ProviderError).retryable).toBe(false);
  });

  it("maps connection errors, timeouts and user aborts", () => {
    expect(mapProviderError(new OpenAI.APIConnectionError({ message: "Connection error." }), ctx)).toMatchObject({
      retryable: true,
      code: "connection_error",
    });
    expect(mapProviderError(new OpenAI.APIConnectionTimeoutError(), { ...ctx, timeoutMs: 5 })).toBeInstanceOf(TimeoutError);
    expect(mapProviderError(new OpenAI.APIUserAbortError(), ctx)).toBeInstanceOf(AbortError);
  });

  it("maps a JSON syntax error to InvalidResponseError", () => {
    let syntax: unknown;
    try {
      JSON.parse("{not json");
    } catch (error) {
      syntax = error;
    }
    expect(mapProviderError(syntax, ctx)).toBeInstanceOf(InvalidResponseError);
  });

  it("never lets the API key through", () => {
    const mapped = mapProviderError(openaiError(401, {}, `Incorrect API key provided: ${KEY}`), ctx);
    expect(mapped.message).not.toContain(KEY);
    expect(String(mapped)).not.toContain(KEY);
    expect(JSON.stringify({ ...mapped })).not.toContain(KEY);
    expect(mapped.cause).toBeUndefined();
  });
});

describe("mapProviderError (Anthropic SDK)", () => {
  it("maps the same shapes, reading request-id", () => {
    const limited = Anthropic.APIError.generate(
      429,
      { error: { message: "slow" } },
      "slow",
      new Headers({ "retry-after": "3", "request-id": "req_a" }),
    );
    expect(mapProviderError(limited, { provider: "anthropic" })).toMatchObject({
      retryAfterMs: 3000,
      requestId: "req_a",
      provider: "anthropic",
    });
    const overloaded = Anthropic.APIError.generate(529, { error: { message: "overloaded" } }, "overloaded", new Headers());
    expect(mapProviderError(overloaded, { provider: "anthropic" })).toMatchObject({ retryable: true, status: 529 });
    expect(mapProviderError(new Anthropic.APIConnectionTimeoutError(), { provider: "anthropic" })).toBeInstanceOf(TimeoutError);
  });
});

describe("mapProviderError (serialised across the sync bridge)", () => {
  it("reads the serialised shape", () => {
    const mapped = mapProviderError(
      {
        __kaizenSerializedError: true,
        errorClass: "RateLimitError",
        name: "Error",
        message: "429",
        status: 429,
        headers: { "retry-after-ms": "20" },
      },
      ctx,
    );
    expect(mapped).toMatchObject({ retryAfterMs: 20, retryable: true });
    expect(
      mapProviderError(
        {
          __kaizenSerializedError: true,
          errorClass: "APIConnectionError",
          name: "Error",
          message: "Connection error.",
          causeCode: "ECONNREFUSED",
        },
        ctx,
      ),
    ).toMatchObject({ code: "connection_error", retryable: true });
  });
});
