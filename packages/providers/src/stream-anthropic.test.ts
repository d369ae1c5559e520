import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InvalidResponseError, TimeoutError, type ChatRequest, type ChatResponse, type StreamEvent } from "@kaizen/contracts";
import { startFakeLLMServer, type FakeLLMServer } from "@kaizen/testing";
import { startRecordingProxy, type RecordingProxy } from "./__fixtures__/recording-proxy.js";
import { AnthropicProvider } from "./anthropic-provider.js";

const API_KEY = "sk-ant-test-stream-0123456789abcdef";
const SCHEMA = {
  type: "object",
  properties: {
    answer: { type: "string", description: "Detailed answer" },
    confidence: { type: "number", minimum: 0, maximum: 1 },
  },
  required: ["answer", "confidence"],
};

let server: FakeLLMServer;
let proxy: RecordingProxy;
let provider: AnthropicProvider;
let proxied: AnthropicProvider;

beforeAll(async () => {
  server = await startFakeLLMServer();
  proxy = await startRecordingProxy(server.url);
  provider = new AnthropicProvider({ apiKey: API_KEY, baseUrl: server.anthropicBaseUrl, useAsync: true });
  proxied = new AnthropicProvider({ apiKey: API_KEY, baseUrl: proxy.url, useAsync: true });
});

afterAll(async () => {
  await provider.close();
  await proxied.close();
  await proxy.close();
  await server.close();
});

beforeEach(() => {
  server.resetScript();
  server.clearRequests();
  server.setStreamChunkDelay(0);
});

function plainRequest(question = "What is 2+2?"): ChatRequest {
  return {
    model: "claude-haiku-4-5",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: question },
    ],
  };
}

function structuredRequest(): ChatRequest {
  return { ...plainRequest(), output: { name: "QAOutput", schema: SCHEMA } };
}

async function collect(
  events: AsyncIterable<StreamEvent>,
): Promise<{ events: StreamEvent[]; at: number[]; finish: ChatResponse }> {
  const out: StreamEvent[] = [];
  const at: number[] = [];
  for await (const event of events) {
    out.push(event);
    at.push(performance.now());
  }
  const last = out[out.length - 1];
  if (last?.type !== "finish") throw new Error("no finish event");
  return { events: out, at, finish: last.response };
}

describe("AnthropicProvider.streamAsync", () => {
  it("streams text deltas that reassemble to the plain answer", async () => {
    const plain = await provider.chatAsync(plainRequest());
    const { events, finish } = await collect(provider.streamAsync(plainRequest()));
    const text = events.flatMap((e) => (e.type === "text-delta" ? [e.delta] : [])).join("");
    expect(events.filter((e) => e.type === "text-delta").length).toBeGreaterThan(1);
    expect(text).toBe(plain.content);
    expect(finish.content).toBe(plain.content);
    expect(finish.finishReason).toBe("stop");
    expect(finish.usage).toEqual(plain.usage);
    expect(finish.requestId).toMatch(/^req_/);
    expect(finish.costUsd).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === "finish")).toHaveLength(1);
  });

  it("turns the forced tool's input_json_delta events into partial objects before the whole answer", async () => {
    const delay = 40;
    server.setStreamChunkDelay(delay);
    const { events, at, finish } = await collect(provider.streamAsync(structuredRequest()));
    const partialIndexes = events.flatMap((e, i) => (e.type === "partial-object" ? [i] : []));
    const distinct = new Set(partialIndexes.map((i) => JSON.stringify((events[i] as { object: unknown }).object)));
    expect(distinct.size).toBeGreaterThanOrEqual(2);
    expect((at[at.length - 1] as number) - (at[partialIndexes[0] as number] as number)).toBeGreaterThanOrEqual(delay);
    expect(finish.structuredOutput).toBe("tool");
    expect(finish.finishReason).toBe("stop");
    const parsed = finish.parsed as { answer: string; confidence: number };
    expect(parsed.answer).toContain("4");
    // the JSON deltas are the content, exactly
    expect(events.flatMap((e) => (e.type === "text-delta" ? [e.delta] : [])).join("")).toBe(finish.content);
    expect(JSON.parse(finish.content)).toEqual(parsed);
  });

  it("streams the API's output format (mode json_schema) as text with partial objects", async () => {
    server.setStreamChunkDelay(5);
    const request = structuredRequest();
    request.output = { ...request.output!, mode: "json_schema" };
    const { events, finish } = await collect(provider.streamAsync(request));
    expect(finish.structuredOutput).toBe("json_schema");
    expect((finish.parsed as { answer: string }).answer).toContain("4");
    expect(events.filter((e) => e.type === "partial-object").length).toBeGreaterThanOrEqual(2);
    expect(events.flatMap((e) => (e.type === "text-delta" ? [e.delta] : [])).join("")).toBe(finish.content);
  });

  it("reports the model's calls of your own tools in the finish event", async () => {
    const { events, finish } = await collect(
      provider.streamAsync({
        model: "claude-haiku-4-5",
        messages: [{ role: "user", content: "What is the weather in Paris? Use get_weather." }],
        tools: [
          { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
        ],
        toolChoice: "required",
      }),
    );
    expect(finish.finishReason).toBe("tool_calls");
    expect(finish.toolCalls?.[0]?.name).toBe("get_weather");
    expect(typeof JSON.parse(finish.toolCalls?.[0]?.arguments ?? "null")).toBe("object");
    // a tool call is not answer text
    expect(events.some((e) => e.type === "text-delta")).toBe(false);
  });

  it("a truncated stream (no message_stop) ends in an InvalidResponseError", async () => {
    server.fault({ type: "truncated_stream" });
    const error = await collect(provider.streamAsync(structuredRequest())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(/message_stop/);
  });

  it("a stall ends in a TimeoutError", async () => {
    server.fault({ type: "stall" });
    const error = await collect(provider.streamAsync({ ...plainRequest(), timeoutMs: 300 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("breaking out of the loop closes the upstream connection, and a later request works", async () => {
    server.setStreamChunkDelay(50);
    const before = proxy.records.length;
    let deltas = 0;
    for await (const event of proxied.streamAsync(plainRequest("Tell me a long story about the number four."))) {
      if (event.type === "text-delta" && ++deltas === 2) break;
    }
    await proxy.records[before]?.closed;
    expect(proxy.records[before]?.clientClosedEarly).toBe(true);
    server.setStreamChunkDelay(0);
    const { finish } = await collect(proxied.streamAsync(plainRequest()));
    expect(finish.content).toContain("4");
  });

  it("holds a concurrency slot for the life of a stream", async () => {
    const limited = new AnthropicProvider({ apiKey: API_KEY, baseUrl: server.anthropicBaseUrl, useAsync: true, concurrency: 1 });
    try {
      server.setStreamChunkDelay(20);
      const order: string[] = [];
      const finishedAt: number[] = [];
      const run = async (name: string) => {
        for await (const event of limited.streamAsync(plainRequest())) {
          if (event.type === "finish") {
            order.push(name);
            finishedAt.push(Date.now());
          }
        }
      };
      await Promise.all([run("a"), run("b")]);
      expect(order).toEqual(["a", "b"]);
      // the second stream's request arrived only after the first had finished
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1]!.receivedAt).toBeGreaterThanOrEqual(finishedAt[0]!);
    } finally {
      await limited.close();
    }
  });
});
