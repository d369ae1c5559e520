// OpenTelemetry spans and metrics of real runs: the real providers (openai, @anthropic-ai/sdk)
// over HTTP against the fake LLM server, with the OpenTelemetry SDK's in-memory exporters.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { startFakeLLMServer, startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServer, FakeLLMServerThread } from "@kaizen/testing";
import { QASignature } from "./__fixtures__/local.js";
import { registerTestSdk } from "./__fixtures__/otel-sdk.js";
import type { TestSdk } from "./__fixtures__/otel-sdk.js";
import { AuthenticationError, BaseAgent, BaseAgentConfig } from "./index.js";
import type { BaseAgentConfigOptions } from "./index.js";

const OPENAI_KEY = "sk-fake-kaizen-otel-test-0001";
const ANTHROPIC_KEY = "sk-ant-fake-kaizen-otel-0001";
let server: FakeLLMServer;
let thread: FakeLLMServerThread;
let sdk: TestSdk;
const agents: BaseAgent<QASignature>[] = [];

beforeAll(async () => {
  sdk = registerTestSdk();
  [server, thread] = await Promise.all([startFakeLLMServer(), startFakeLLMServerThread()]);
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await Promise.all([server.close(), thread.close(), sdk.shutdown()]);
});
beforeEach(() => {
  sdk.reset();
  server.resetScript();
});

function openai(options: Partial<BaseAgentConfigOptions> = {}): BaseAgent<QASignature> {
  const config = new BaseAgentConfig({
    llmProvider: "openai",
    model: "gpt-4o-mini",
    apiKey: OPENAI_KEY,
    baseUrl: server.openaiBaseUrl,
    useAsyncLlm: true,
    temperature: 0.2,
    maxTokens: 300,
    ...options,
  });
  const agent = new BaseAgent({ config, signature: new QASignature() });
  agents.push(agent);
  return agent;
}

function anthropic(): BaseAgent<QASignature> {
  const config = new BaseAgentConfig({
    llmProvider: "anthropic",
    model: "claude-sonnet-4-5",
    apiKey: ANTHROPIC_KEY,
    baseUrl: server.anthropicBaseUrl,
    maxTokens: 500,
    useAsyncLlm: true,
  });
  const agent = new BaseAgent({ config, signature: new QASignature() });
  agents.push(agent);
  return agent;
}

/** The run span and its chat spans, checked to form one tree. */
function tree(): { run: ReadableSpan; chats: ReadableSpan[] } {
  const spans = sdk.spans();
  const runs = spans.filter((s) => s.name.startsWith("invoke_agent "));
  expect(runs).toHaveLength(1);
  const run = runs[0]!;
  const chats = spans.filter((s) => s.name.startsWith("chat "));
  for (const chat of chats) {
    expect(chat.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(chat.spanContext().traceId).toBe(run.spanContext().traceId);
  }
  return { run, chats };
}

const dump = (spans: ReadableSpan[]): string =>
  JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })));

describe("OpenTelemetry spans (OpenAI, fake LLM server)", () => {
  it("runAsync: an invoke_agent span with one chat child carrying the GenAI attributes, under the caller's span", async () => {
    const agent = openai();
    // The app's own span (e.g. an HTTP server's, continuing an incoming traceparent) is the parent.
    const { result, requestSpanId } = await trace.getTracer("test").startActiveSpan("POST /chat", async (span) => {
      try {
        return { result: await agent.runAsync({ question: "What is 2+2?" }), requestSpanId: span.spanContext().spanId };
      } finally {
        span.end();
      }
    });
    expect(result.answer).toContain("4");
    const { run, chats } = tree();
    expect(run.parentSpanContext?.spanId).toBe(requestSpanId);
    expect(run.name).toBe("invoke_agent QASignature");
    expect(run.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "QASignature",
      "gen_ai.provider.name": "openai",
      "kaizen.run.mode": "async",
      "kaizen.run.attempts": 1,
      "kaizen.run.provider_attempts": 1,
    });
    expect(run.status.code).toBe(SpanStatusCode.UNSET);
    expect(chats).toHaveLength(1);
    const chat = chats[0]!;
    expect(chat.name).toBe("chat gpt-4o-mini");
    expect(chat.kind).toBe(SpanKind.CLIENT);
    expect(chat.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.max_tokens": 300,
      "gen_ai.request.temperature": 0.2,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    expect(chat.attributes["gen_ai.response.model"]).toEqual(expect.any(String));
    expect(chat.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
    expect(chat.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
    expect(run.attributes["gen_ai.usage.input_tokens"]).toBe(chat.attributes["gen_ai.usage.input_tokens"]);
    // No text by default, and never a key.
    expect(dump(sdk.spans())).not.toContain("2+2");
    expect(dump(sdk.spans())).not.toContain(OPENAI_KEY);
    expect(chat.attributes["gen_ai.input.messages"]).toBeUndefined();
  });

  it("run() (blocking) and streamAsync() make the same tree; the stream's chat span says so", async () => {
    const blocking = openai({ baseUrl: thread.openaiBaseUrl, useAsyncLlm: false });
    blocking.run({ question: "Name a primary colour." });
    const sync = tree();
    expect(sync.run.attributes["kaizen.run.mode"]).toBe("sync");
    expect(sync.chats).toHaveLength(1);
    expect(sync.chats[0]!.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);

    sdk.reset();
    const stream = openai().streamAsync({ question: "Name a colour of the sky." });
    for await (const partial of stream) void partial;
    await stream.result;
    const streamed = tree();
    expect(streamed.run.attributes["kaizen.run.mode"]).toBe("stream");
    expect(streamed.chats).toHaveLength(1);
    expect(streamed.chats[0]!.attributes).toMatchObject({
      "gen_ai.request.stream": true,
      "gen_ai.response.finish_reasons": ["stop"],
    });
  });

  it("a re-ask is a second chat span of the same run", async () => {
    server.reply({ answer: "no confidence given" }, { match: (r) => JSON.stringify(r.body).includes("re-ask me") });
    await openai().runAsync({ question: "re-ask me" });
    const { run, chats } = tree();
    expect(chats.map((c) => c.attributes["kaizen.chat.attempt"])).toEqual([1, 2]);
    expect(run.attributes["kaizen.run.attempts"]).toBe(2);
  });

  it("a 401 ends both spans with status ERROR and error.type authentication_error; no key in them", async () => {
    server.fault({ type: "auth" }, { match: (r) => JSON.stringify(r.body).includes("locked out") });
    const error = await openai()
      .runAsync({ question: "locked out" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const { run, chats } = tree();
    expect(chats).toHaveLength(1);
    for (const span of [run, chats[0]!]) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes["error.type"]).toBe("authentication_error");
    }
    expect(dump(sdk.spans())).not.toContain(OPENAI_KEY);
  });

  it("recordContent: true puts the prompt and the answer on the chat span", async () => {
    const result = await openai({ recordContent: true }).runAsync({ question: "What is 3+3?" });
    const { chats } = tree();
    const input = JSON.parse(chats[0]!.attributes["gen_ai.input.messages"] as string) as {
      role: string;
      parts: { type: string; content: string }[];
    }[];
    expect(input.map((m) => m.role)).toEqual(["system", "user"]);
    expect(input[1]!.parts[0]!.content).toContain("What is 3+3?");
    const output = chats[0]!.attributes["gen_ai.output.messages"] as string;
    expect(output).toContain(result.answer);
    expect(dump(sdk.spans())).not.toContain(OPENAI_KEY);
  });

  it("records gen_ai.client.token.usage and gen_ai.client.operation.duration", async () => {
    await openai().runAsync({ question: "Count to three." });
    server.fault({ type: "auth" }, { match: (r) => JSON.stringify(r.body).includes("metered 401") });
    await expect(openai().runAsync({ question: "metered 401" })).rejects.toBeInstanceOf(AuthenticationError);
    const byName = await sdk.metrics();
    const tokens = byName.get("gen_ai.client.token.usage");
    const duration = byName.get("gen_ai.client.operation.duration");
    expect(tokens?.descriptor.unit).toBe("{token}");
    expect(duration?.descriptor.unit).toBe("s");
    const types = tokens!.dataPoints.map((p) => p.attributes["gen_ai.token.type"]);
    expect(types).toEqual(expect.arrayContaining(["input", "output"]));
    expect(duration!.dataPoints.some((p) => p.attributes["error.type"] === "authentication_error")).toBe(true);
    expect(duration!.dataPoints[0]!.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
    });
  });
});

describe("OpenTelemetry spans (Anthropic, fake LLM server)", () => {
  it("runAsync: invoke_agent -> chat claude-sonnet-4-5 with the GenAI attributes", async () => {
    await anthropic().runAsync({ question: "What is 2+2?" });
    const { run, chats } = tree();
    expect(run.attributes["gen_ai.provider.name"]).toBe("anthropic");
    expect(chats).toHaveLength(1);
    expect(chats[0]!.name).toBe("chat claude-sonnet-4-5");
    expect(chats[0]!.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4-5",
      "gen_ai.request.max_tokens": 500,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    expect(chats[0]!.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
    expect(dump(sdk.spans())).not.toContain("2+2");
    expect(dump(sdk.spans())).not.toContain(ANTHROPIC_KEY);
  });

  it("a 401 from Anthropic is an ERROR chat span with error.type authentication_error", async () => {
    server.fault({ type: "auth" }, { match: (r) => JSON.stringify(r.body).includes("no entry") });
    const error = await anthropic()
      .runAsync({ question: "no entry" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const { chats } = tree();
    expect(chats[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(chats[0]!.attributes["error.type"]).toBe("authentication_error");
  });
});
