// The http_error and stream_error faults through the real SDK clients, over real HTTP.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "./fake-llm-server.js";
import type { FakeLLMServer } from "./fake-llm-types.js";

let server: FakeLLMServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  server = await startFakeLLMServer();
  openai = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseUrl, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "sk-ant-test", baseURL: server.anthropicBaseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.resetScript();
  server.clearRequests();
});

const ask = [{ role: "user" as const, content: "What is 2+2?" }];

describe("http_error", () => {
  it("answers the scripted status, body and headers, once", async () => {
    const body = { error: { message: "This response_format type is unavailable now", type: "invalid_request_error" } };
    server.fault({ type: "http_error", status: 422, body, headers: { "x-request-id": "req_scripted" } });
    const error = await openai.chat.completions.create({ model: "m", messages: ask }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(422);
    expect(apiError.message).toContain("This response_format type is unavailable now");
    expect(apiError.requestID).toBe("req_scripted");
    const next = await openai.chat.completions.create({ model: "m", messages: ask });
    expect(next.choices[0]?.message.content).toContain("4");
  });

  it("sends a string body exactly as written", async () => {
    server.fault({ type: "http_error", status: 400, body: "not json at all" });
    const res = await fetch(`${server.openaiBaseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: ask }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("not json at all");
  });
});

describe("stream_error", () => {
  it("Anthropic: event: error overloaded_error is the first event of a 200 stream", async () => {
    server.fault({ type: "stream_error" });
    const res = await fetch(`${server.anthropicBaseUrl}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 64, messages: ask, stream: true }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith("event: error\ndata: ")).toBe(true);
    expect(JSON.parse(text.split("data: ")[1] as string)).toMatchObject({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
  });

  it("Anthropic SDK stream throws the API error with its type", async () => {
    server.fault({ type: "stream_error" });
    const stream = await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 64, messages: ask, stream: true });
    const error = await (async () => {
      for await (const _event of stream) void _event;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe("overloaded_error");
  });

  it("Anthropic without stream: HTTP 529 overloaded_error", async () => {
    server.fault({ type: "stream_error" });
    const error = await anthropic.messages
      .create({ model: "claude-sonnet-4-5", max_tokens: 64, messages: ask })
      .catch((e: unknown) => e);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
  });

  it("OpenAI: a data: {error} chunk first; the SDK stream throws it", async () => {
    server.fault({ type: "stream_error", error: { type: "server_error", message: "The model is overloaded." } });
    const stream = await openai.chat.completions.create({ model: "m", messages: ask, stream: true });
    const error = await (async () => {
      for await (const _chunk of stream) void _chunk;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain("The model is overloaded.");
    const ok = await openai.chat.completions.create({ model: "m", messages: ask, stream: true });
    let text = "";
    for await (const chunk of ok) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toContain("4");
  });

  it("is accepted as a header", async () => {
    const res = await fetch(`${server.openaiBaseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-fake-fault": "stream_error" },
      body: JSON.stringify({ model: "m", messages: ask }),
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("server_error");
  });
});
