// An error event as the very first stream event (Anthropic `event: error` overloaded_error, an
// OpenAI `data: {"error": ...}` chunk) is retried under the retry policy, since nothing reached
// the caller yet; once a delta was yielded, nothing is retried. Over real HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InvalidResponseError, ProviderError, type ChatRequest, type StreamEvent } from "@kaizen/contracts";
import { startFakeLLMServer, type FakeLLMServer } from "@kaizen/testing";
import { AnthropicProvider } from "./anthropic-provider.js";
import { OpenAIProvider } from "./openai-provider.js";
import type { RetryInfo } from "./retry.js";

let server: FakeLLMServer;
beforeAll(async () => {
  server = await startFakeLLMServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.resetScript();
  server.clearRequests();
});

const ask = (model: string): ChatRequest => ({ model, messages: [{ role: "user", content: "What is 2+2?" }] });

async function drain(events: AsyncIterable<StreamEvent>): Promise<{ events: StreamEvent[]; error: unknown }> {
  const seen: StreamEvent[] = [];
  try {
    for await (const event of events) seen.push(event);
    return { events: seen, error: undefined };
  } catch (error) {
    return { events: seen, error };
  }
}

const vendors = [
  {
    name: "anthropic",
    model: "claude-haiku-4-5",
    make: (extra: { maxRetries?: number; onRetry?: (info: RetryInfo) => void }) =>
      new AnthropicProvider({ apiKey: "sk-ant-test", baseUrl: server.anthropicBaseUrl, useAsync: true, ...extra }),
    firstError: "overloaded_error",
  },
  {
    name: "openai",
    model: "gpt-4o-mini",
    make: (extra: { maxRetries?: number; onRetry?: (info: RetryInfo) => void }) =>
      new OpenAIProvider({ apiKey: "sk-test", baseUrl: server.openaiBaseUrl, useAsync: true, ...extra }),
    firstError: "server_error",
  },
] as const;

for (const vendor of vendors) {
  describe(`${vendor.name}: an error event first in the stream`, () => {
    it("is retried: the caller gets the whole answer once, from the second request", async () => {
      server.fault({ type: "stream_error" });
      const retries: RetryInfo[] = [];
      const provider = vendor.make({ maxRetries: 2, onRetry: (info) => retries.push(info) });
      try {
        const { events, error } = await drain(provider.streamAsync(ask(vendor.model)));
        expect(error).toBeUndefined();
        expect(server.requests).toHaveLength(2);
        expect(retries).toHaveLength(1);
        expect(retries[0]?.error).toBeInstanceOf(ProviderError);
        expect((retries[0]?.error as ProviderError).code).toBe("stream_error");
        const text = events.flatMap((e) => (e.type === "text-delta" ? [e.delta] : [])).join("");
        const last = events.at(-1);
        expect(last?.type).toBe("finish");
        if (last?.type === "finish") {
          expect(last.response.content).toBe(text);
          expect(last.response.content).toContain("4");
          expect(last.response.attempts).toBe(2);
        }
      } finally {
        await provider.close();
      }
    });

    it("with no retries left it surfaces as a typed error naming the API's error, not as a broken stream", async () => {
      server.fault({ type: "stream_error" });
      const provider = vendor.make({ maxRetries: 0 });
      try {
        const { events, error } = await drain(provider.streamAsync(ask(vendor.model)));
        expect(events).toHaveLength(0);
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).not.toBeInstanceOf(InvalidResponseError);
        const typed = error as ProviderError;
        expect(typed.code).toBe("stream_error");
        expect(typed.retryable).toBe(true);
        expect(typed.message).toContain(vendor.firstError);
        expect(typed.message).not.toContain("{");
        expect(server.requests).toHaveLength(1);
      } finally {
        await provider.close();
      }
    });

    it("an error type that a retry cannot fix is not retried", async () => {
      server.fault({ type: "stream_error", error: { type: "invalid_request_error", message: "prompt is too long" } });
      const provider = vendor.make({ maxRetries: 2 });
      try {
        const { error } = await drain(provider.streamAsync(ask(vendor.model)));
        expect(error).toBeInstanceOf(ProviderError);
        expect((error as ProviderError).retryable).toBe(false);
        expect((error as ProviderError).message).toContain("prompt is too long");
        expect(server.requests).toHaveLength(1);
      } finally {
        await provider.close();
      }
    });

    it("once a delta was yielded, a failure is not retried", async () => {
      server.fault({ type: "malformed_json" });
      const provider = vendor.make({ maxRetries: 2 });
      try {
        const { events, error } = await drain(provider.streamAsync(ask(vendor.model)));
        expect(events.some((e) => e.type === "text-delta")).toBe(true);
        expect(error).toBeInstanceOf(InvalidResponseError);
        expect(server.requests).toHaveLength(1);
      } finally {
        await provider.close();
      }
    });
  });
}
