// How tools and tool messages are written for each wire: strict function schemas (and their
// nulls mapped back), tool results grouped into one Anthropic user turn, and tool_choice when the
// caller's tools sit beside a forced answer tool.
import { describe, expect, it } from "vitest";
import type { ChatMessage, ChatRequest } from "@kaizen/contracts";
import { buildAnthropicParams } from "./anthropic-request.js";
import { MockProvider, mockToolCalls } from "./mock-provider.js";
import { buildOpenAIChatBody, parseOpenAIChatCompletion } from "./openai-request.js";

const search = {
  name: "search",
  description: "Search the web",
  parameters: {
    type: "object",
    properties: { query: { type: "string" }, limit: { type: "integer" } },
    required: ["query"],
    additionalProperties: false,
  },
};
const exchange: ChatMessage[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Find two things" },
  {
    role: "assistant",
    content: "Looking.",
    toolCalls: [
      { id: "c1", name: "search", arguments: '{"query":"a"}' },
      { id: "c2", name: "search", arguments: "{broken" },
    ],
  },
  { role: "tool", toolCallId: "c1", toolName: "search", content: "found a" },
  { role: "tool", toolCallId: "c2", toolName: "search", content: "invalid input", isError: true },
  { role: "user", content: "Now answer." },
];
const request: ChatRequest = { model: "gpt-4o", messages: exchange, tools: [search] };

describe("OpenAI tools", () => {
  it("writes strict functions, assistant tool_calls and tool messages", () => {
    const { body } = buildOpenAIChatBody(request, { jsonSchema: true });
    const fn = (body.tools as unknown as Array<{ function: Record<string, unknown> }>)[0]!.function;
    expect(fn.strict).toBe(true);
    expect((fn.parameters as { required: string[] }).required).toEqual(["query", "limit"]);
    expect(body.messages.slice(2)).toEqual([
      {
        role: "assistant",
        content: "Looking.",
        tool_calls: [
          { id: "c1", type: "function", function: { name: "search", arguments: '{"query":"a"}' } },
          { id: "c2", type: "function", function: { name: "search", arguments: "{broken" } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "found a" },
      { role: "tool", tool_call_id: "c2", content: "invalid input" },
      { role: "user", content: "Now answer." },
    ]);
  });

  it("maps strict mode's nulls in the arguments back to absent keys, and leaves malformed ones alone", () => {
    const plan = buildOpenAIChatBody(request, { jsonSchema: true });
    const completion = {
      model: "gpt-4o",
      choices: [
        {
          finish_reason: "tool_calls",
          message: {
            content: null,
            tool_calls: [
              { id: "x", type: "function", function: { name: "search", arguments: '{"query":"q","limit":null}' } },
              { id: "y", type: "function", function: { name: "search", arguments: "{nope" } },
            ],
          },
        },
      ],
    };
    const res = parseOpenAIChatCompletion(completion, { provider: "openai", plan, requestId: undefined, attempts: 1 });
    expect(res.toolCalls?.map((c) => c.arguments)).toEqual(['{"query":"q"}', "{nope"]);
  });

  it("sends a tool non-strict when asked, and lets the model choose between tools and the answer function", () => {
    const { body } = buildOpenAIChatBody(
      { ...request, tools: [{ ...search, strict: false }], output: { name: "answer", schema: search.parameters, mode: "tool" } },
      { jsonSchema: true },
    );
    const tools = body.tools as unknown as Array<{ function: Record<string, unknown> }>;
    expect(tools[0]!.function.strict).toBeUndefined();
    expect(tools.map((t) => t.function.name)).toEqual(["search", "answer"]);
    expect(body.tool_choice).toBe("required");
  });
});

describe("Anthropic tools", () => {
  const options = { maxTokensDefault: 1024, strictTools: true };

  it("writes tool_use blocks and puts every result of a reply, then the next text, in one user turn", () => {
    const { params } = buildAnthropicParams(request, options);
    expect(params.system).toBe("Be brief.");
    expect(params.messages).toEqual([
      { role: "user", content: "Find two things" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Looking." },
          { type: "tool_use", id: "c1", name: "search", input: { query: "a" } },
          { type: "tool_use", id: "c2", name: "search", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "c1", content: "found a" },
          { type: "tool_result", tool_use_id: "c2", content: "invalid input", is_error: true },
          { type: "text", text: "Now answer." },
        ],
      },
    ]);
    expect(params.tools).toEqual([{ name: "search", description: "Search the web", input_schema: search.parameters }]);
  });

  it("lets the model choose between the caller's tools and the answer tool (tool_choice any)", () => {
    const { params, outputToolName } = buildAnthropicParams(
      { ...request, output: { name: "answer", schema: search.parameters } },
      options,
    );
    expect(outputToolName).toBe("answer");
    expect(params.tool_choice).toEqual({ type: "any" });
    expect(params.tools?.map((t) => t.name)).toEqual(["search", "answer"]);
  });
});

describe("MockProvider tools", () => {
  it("answers with scripted tool calls, in chat and in streams", async () => {
    const mock = new MockProvider({
      responses: [
        mockToolCalls([{ name: "search", arguments: { query: "a" }, id: "m1" }]),
        mockToolCalls([{ name: "search", arguments: "{x" }]),
      ],
    });
    const res = mock.chat(request);
    expect(res.finishReason).toBe("tool_calls");
    expect(res.toolCalls).toEqual([{ id: "m1", name: "search", arguments: '{"query":"a"}' }]);
    const events = [];
    for await (const event of mock.streamAsync(request)) events.push(event);
    expect(events[0]).toMatchObject({ type: "tool-call-start", index: 0, name: "search" });
    expect(events.filter((e) => e.type === "tool-call-delta").map((e) => (e.type === "tool-call-delta" ? e.delta : ""))).toEqual([
      "{x",
    ]);
    expect(events.at(-1)).toMatchObject({ type: "finish", response: { finishReason: "tool_calls" } });
  });
});
