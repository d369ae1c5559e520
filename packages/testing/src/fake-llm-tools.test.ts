// Scripted tool calls through the real `openai` and `@anthropic-ai/sdk` clients, over real HTTP,
// JSON and streams: parallel calls, malformed arguments, and the results read back by call id.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "./fake-llm-server.js";
import { startFakeLLMServerThread } from "./fake-llm-thread.js";
import { toolResultsOf } from "./fake-tool-calls.js";
import type { FakeLLMServer } from "./fake-llm-types.js";

let server: FakeLLMServer;
let openai: OpenAI;
let anthropic: Anthropic;

const weatherParams = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
  additionalProperties: false,
};
const openaiTools = [{ type: "function" as const, function: { name: "get_weather", parameters: weatherParams } }];
const anthropicTools = [{ name: "get_weather", input_schema: weatherParams as Anthropic.Tool.InputSchema }];
const question = [{ role: "user" as const, content: "What is the weather in Paris and Rome?" }];

beforeAll(async () => {
  server = await startFakeLLMServer();
  openai = new OpenAI({ apiKey: "sk-test-tools-00000000000", baseURL: server.openaiBaseUrl, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "sk-ant-test-tools-0000000", baseURL: server.anthropicBaseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.resetScript();
  server.clearRequests();
});

const parallel = [
  { name: "get_weather", arguments: { city: "Paris" }, id: "call_paris" },
  { name: "get_weather", arguments: { city: "Rome" }, id: "call_rome" },
];

describe("OpenAI tool calls", () => {
  it("answers with two parallel tool_calls and finish_reason tool_calls", async () => {
    const sent = server.toolCalls(parallel);
    expect(sent.map((c) => c.id)).toEqual(["call_paris", "call_rome"]);
    const res = await openai.chat.completions.create({ model: "gpt-4o", messages: question, tools: openaiTools });
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    const calls = (choice.message.tool_calls ?? []).map((c) =>
      c.type === "function" ? [c.id, c.function.name, c.function.arguments] : [],
    );
    expect(calls).toEqual([
      ["call_paris", "get_weather", '{"city":"Paris"}'],
      ["call_rome", "get_weather", '{"city":"Rome"}'],
    ]);
  });

  it("streams parallel calls as indexed deltas that add up to the arguments", async () => {
    server.toolCalls(parallel);
    const stream = await openai.chat.completions.create({
      model: "gpt-4o",
      messages: question,
      tools: openaiTools,
      stream: true,
    });
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const delta of choice?.delta.tool_calls ?? []) {
        const entry = calls.get(delta.index) ?? { id: "", name: "", args: "" };
        if (delta.id) entry.id = delta.id;
        if (delta.function?.name) entry.name = delta.function.name;
        entry.args += delta.function?.arguments ?? "";
        calls.set(delta.index, entry);
      }
      finish = choice?.finish_reason ?? finish;
    }
    expect(finish).toBe("tool_calls");
    expect([...calls.values()]).toEqual([
      { id: "call_paris", name: "get_weather", args: '{"city":"Paris"}' },
      { id: "call_rome", name: "get_weather", args: '{"city":"Rome"}' },
    ]);
  });

  it("sends malformed arguments exactly as scripted", async () => {
    server.toolCalls({ name: "get_weather", arguments: '{"city": "Par' });
    const res = await openai.chat.completions.create({ model: "gpt-4o", messages: question, tools: openaiTools });
    const call = res.choices[0]!.message.tool_calls![0]!;
    expect(call.type === "function" && call.function.arguments).toBe('{"city": "Par');
  });

  it("reads the tool results back by call id, and answers from them", async () => {
    const [call] = server.toolCalls({ name: "get_weather", arguments: { city: "Paris" } });
    await openai.chat.completions.create({ model: "gpt-4o", messages: question, tools: openaiTools });
    const res = await openai.chat.completions.create({
      model: "gpt-4o",
      tools: openaiTools,
      messages: [
        ...question,
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: call!.id, type: "function", function: { name: "get_weather", arguments: call!.arguments } }],
        },
        { role: "tool", tool_call_id: call!.id, content: '{"tempC":21}' },
      ],
    });
    expect(res.choices[0]!.finish_reason).toBe("stop");
    expect(res.choices[0]!.message.content).toContain('{"tempC":21}');
    expect(toolResultsOf(server.requests[1]!)).toEqual([{ toolCallId: call!.id, content: '{"tempC":21}' }]);
    expect(toolResultsOf(server.requests[0]!)).toEqual([]);
  });
});

describe("Anthropic tool calls", () => {
  it("answers with two tool_use blocks and stop_reason tool_use", async () => {
    server.toolCalls(parallel);
    const res = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      messages: question,
      tools: anthropicTools,
    });
    expect(res.stop_reason).toBe("tool_use");
    expect(res.content.map((b) => (b.type === "tool_use" ? [b.id, b.name, b.input] : b.type))).toEqual([
      ["call_paris", "get_weather", { city: "Paris" }],
      ["call_rome", "get_weather", { city: "Rome" }],
    ]);
  });

  it("streams each call as its own block of input_json_delta pieces", async () => {
    server.toolCalls(parallel);
    const stream = anthropic.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      messages: question,
      tools: anthropicTools,
    });
    const json = new Map<number, string>();
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") {
        json.set(event.index, (json.get(event.index) ?? "") + event.delta.partial_json);
      }
    }
    const final = await stream.finalMessage();
    expect([...json.values()]).toEqual(['{"city":"Paris"}', '{"city":"Rome"}']);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content.map((b) => (b.type === "tool_use" ? b.input : undefined))).toEqual([
      { city: "Paris" },
      { city: "Rome" },
    ]);
  });

  it("sends malformed arguments as input itself (JSON) and as the raw pieces (stream)", async () => {
    server.toolCalls({ name: "get_weather", arguments: '{"city": "Par' }, { times: 2 });
    const res = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      messages: question,
      tools: anthropicTools,
    });
    expect(res.content[0]).toMatchObject({ type: "tool_use", input: '{"city": "Par' });
    let pieces = "";
    const stream = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      messages: question,
      tools: anthropicTools,
      stream: true,
    });
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") pieces += event.delta.partial_json;
    }
    expect(pieces).toBe('{"city": "Par');
  });

  it("reads tool_result blocks back by tool_use_id, with is_error", async () => {
    const [paris, rome] = server.toolCalls(parallel);
    const res = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      tools: anthropicTools,
      messages: [
        ...question,
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: paris!.id, name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: rome!.id, name: "get_weather", input: { city: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: paris!.id, content: '{"tempC":21}' },
            { type: "tool_result", tool_use_id: rome!.id, content: "no data", is_error: true },
          ],
        },
      ],
    });
    expect(res.stop_reason).toBe("tool_use"); // the scripted calls were consumed by this request
    expect(toolResultsOf(server.requests[0]!)).toEqual([
      { toolCallId: "call_paris", content: '{"tempC":21}' },
      { toolCallId: "call_rome", content: "no data", isError: true },
    ]);
  });

  it("answers a forced tool even right after a tool result", async () => {
    const res = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      tools: [
        ...anthropicTools,
        { name: "answer", input_schema: { type: "object", properties: { answer: { type: "string" } } } },
      ],
      tool_choice: { type: "any" },
      messages: [
        ...question,
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "sunny" }] },
      ],
    });
    expect(res.content[0]).toMatchObject({ type: "tool_use", name: "answer" });
  });
});

describe("tool calls on the server thread", () => {
  it("scripts calls across the thread and returns their ids", async () => {
    const thread = await startFakeLLMServerThread();
    try {
      const sent = await thread.toolCalls([{ name: "get_weather", arguments: { city: "Oslo" } }]);
      const client = new OpenAI({ apiKey: "sk-test-tools-00000000000", baseURL: thread.openaiBaseUrl, maxRetries: 0 });
      const res = await client.chat.completions.create({ model: "gpt-4o", messages: question, tools: openaiTools });
      const call = res.choices[0]!.message.tool_calls![0]!;
      expect(call.id).toBe(sent[0]!.id);
    } finally {
      await thread.close();
    }
  });
});
