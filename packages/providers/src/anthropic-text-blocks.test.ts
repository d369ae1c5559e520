// Several Anthropic text blocks become one text: adjacent blocks (a citation's split) join with
// nothing, blocks with another block between them with "\n\n". JSON and streams agree, and the
// structured-output paths still parse. Over real HTTP, from Anthropic's documented web search
// response (see __fixtures__/anthropic/SOURCES.md).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest, StreamEvent } from "@kaizen/contracts";
import { startFakeLLMServer, type FakeLLMServer } from "@kaizen/testing";
import { startRecordingProxy, type RecordingProxy } from "./__fixtures__/recording-proxy.js";
import { AnthropicProvider } from "./anthropic-provider.js";
import { TEXT_BLOCK_SEPARATOR } from "./anthropic-request.js";

type Block = { type: string; text?: string; input?: unknown; [key: string]: unknown };
type Message = { content: Block[]; [key: string]: unknown };

const WEB_SEARCH = JSON.parse(
  readFileSync(new URL("./__fixtures__/anthropic/web-search-message.json", import.meta.url), "utf8"),
) as Message;
const EXPECTED =
  "I'll search for when Claude Shannon was born.\n\nClaude Shannon was born on April 30, 1916, in Petoskey, Michigan";

/** The message as the Messages API streams it: each block started, its pieces, stopped. */
function streamOf(message: Message): Array<{ event: string; data: unknown }> {
  const out: Array<{ event: string; data: unknown }> = [];
  const push = (event: string, data: Record<string, unknown>) => out.push({ event, data: { type: event, ...data } });
  push("message_start", {
    message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 6039, output_tokens: 1 } },
  });
  message.content.forEach((block, index) => {
    if (block.type === "text") {
      push("content_block_start", { index, content_block: { type: "text", text: "" } });
      const text = block.text ?? "";
      for (let i = 0; i < text.length; i += 7) {
        push("content_block_delta", { index, delta: { type: "text_delta", text: text.slice(i, i + 7) } });
      }
    } else if (block.type === "server_tool_use" || block.type === "tool_use") {
      push("content_block_start", { index, content_block: { ...block, input: {} } });
      push("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } });
    } else {
      push("content_block_start", { index, content_block: block });
    }
    push("content_block_stop", { index });
  });
  push("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 931 } });
  push("message_stop", {});
  return out;
}

let server: FakeLLMServer;
let proxy: RecordingProxy;
let served: Message = WEB_SEARCH;
let provider: AnthropicProvider;

beforeAll(async () => {
  server = await startFakeLLMServer();
  proxy = await startRecordingProxy(server.url, {
    intercept: (path, body) => {
      if (!path.startsWith("/v1/messages")) return undefined;
      return (body as { stream?: boolean }).stream === true
        ? { status: 200, body: null, events: streamOf(served) }
        : { status: 200, body: served };
    },
  });
  provider = new AnthropicProvider({ apiKey: "sk-ant-test", baseUrl: proxy.url, useAsync: true });
});
afterAll(async () => {
  await provider.close();
  await proxy.close();
  await server.close();
});

const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "claude-opus-4-5",
  messages: [{ role: "user", content: "When was Claude Shannon born?" }],
  ...extra,
});

async function streamed(request: ChatRequest): Promise<{ text: string; final: string; parsed: unknown }> {
  const events: StreamEvent[] = [];
  for await (const event of provider.streamAsync(request)) events.push(event);
  const last = events.at(-1);
  if (last?.type !== "finish") throw new Error("the stream did not finish");
  return {
    text: events.flatMap((e) => (e.type === "text-delta" ? [e.delta] : [])).join(""),
    final: last.response.content,
    parsed: last.response.parsed,
  };
}

describe("Anthropic text blocks", () => {
  it("the separator is a blank line", () => {
    expect(TEXT_BLOCK_SEPARATOR).toBe("\n\n");
  });

  it("chatAsync: a paragraph break across the search blocks, none inside the cited sentence", async () => {
    served = WEB_SEARCH;
    const response = await provider.chatAsync(ask());
    expect(response.content).toBe(EXPECTED);
    expect(response.toolCalls).toBeUndefined();
  });

  it("streamAsync: the deltas add up to the same content", async () => {
    served = WEB_SEARCH;
    const { text, final } = await streamed(ask());
    expect(final).toBe(EXPECTED);
    expect(text).toBe(EXPECTED);
  });

  it("structured output in text (json_schema mode): JSON split over adjacent blocks still parses", async () => {
    const json = '{"answer":"April 30, 1916","confidence":0.9}';
    served = {
      ...WEB_SEARCH,
      content: [
        { type: "text", text: json.slice(0, 17) },
        { type: "text", text: json.slice(17) },
      ],
    };
    const output = {
      name: "QA",
      mode: "json_schema" as const,
      schema: {
        type: "object",
        properties: { answer: { type: "string" }, confidence: { type: "number" } },
        required: ["answer", "confidence"],
      },
    };
    const response = await provider.chatAsync(ask({ output }));
    expect(response.content).toBe(json);
    expect(response.parsed).toEqual({ answer: "April 30, 1916", confidence: 0.9 });
    const stream = await streamed(ask({ output }));
    expect(stream.parsed).toEqual({ answer: "April 30, 1916", confidence: 0.9 });
    expect(stream.text).toBe(json);
  });

  it("structured output after a search: the JSON after the paragraph break is found", async () => {
    const blocks = WEB_SEARCH.content.slice(0, 3);
    served = { ...WEB_SEARCH, content: [...blocks, { type: "text", text: '{"answer":"1916","confidence":0.8}' }] };
    const output = {
      name: "QA",
      mode: "prompt" as const,
      schema: { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] },
    };
    const response = await provider.chatAsync(ask({ output }));
    expect(response.parsed).toEqual({ answer: "1916", confidence: 0.8 });
    const stream = await streamed(ask({ output }));
    expect(stream.final).toBe(response.content);
    expect(stream.parsed).toEqual({ answer: "1916", confidence: 0.8 });
  });
});
