// The shipped cassettes (packages/testing/cassettes), each the exchange our providers or agent
// have with a documented API response. Shared by cassettes-build.test.ts, which records each
// scenario through the recording proxy (so the request bodies are exactly what Kaizen sends) and
// checks the shipped file is current, and cassettes-replay.test.ts, which runs the same call
// against the replay server and checks the outcome. Provenance: cassettes/SOURCES.md.
import type { ChatRequest, ToolSpec } from "@kaizen/contracts";
import { AnthropicProvider, OpenAIProvider, createOpenAICompatibleProvider } from "@kaizen/providers";
import type { CassetteEvent } from "@kaizen/testing";
import { z } from "zod";
import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { BaseAgent, BaseAgentConfig } from "../index.js";

export class MathReasoning extends Signature {
  static override description = "Solve the equation step by step.";
  equation = InputField({ description: "The equation to solve" });
  steps = OutputField({
    description: "The steps of the solution",
    schema: z.array(z.object({ explanation: z.string(), output: z.string() })),
  });
  final_answer = OutputField({ description: "The solution" });
}

export interface DocScenario {
  name: string;
  api: "openai" | "anthropic";
  /** The public page the response comes from (and, in SOURCES.md, what was changed). */
  source: string;
  response: { status: number; headers?: Record<string, string>; body?: unknown; events?: CassetteEvent[] };
  /** Makes the call against `url` (a recording proxy or the replay server) and returns what came back. */
  call(url: string): Promise<unknown>;
}

const OPENAI_KEY = "sk-proj-doc-cassettes-not-a-real-key-0001";
const ANTHROPIC_KEY = "sk-ant-api03-doc-cassettes-not-a-real-key-0001";
export const CASSETTE_SECRETS = [OPENAI_KEY, ANTHROPIC_KEY];

async function settle(work: () => Promise<unknown>): Promise<unknown> {
  try {
    return await work();
  } catch (error) {
    return error;
  }
}

async function withOpenAI<T>(url: string, use: (p: OpenAIProvider) => Promise<T>): Promise<T> {
  const provider = new OpenAIProvider({ apiKey: OPENAI_KEY, baseUrl: `${url}/v1`, useAsync: true, maxRetries: 0 });
  try {
    return await use(provider);
  } finally {
    await provider.close();
  }
}

async function withAnthropic<T>(url: string, use: (p: AnthropicProvider) => Promise<T>): Promise<T> {
  const provider = new AnthropicProvider({ apiKey: ANTHROPIC_KEY, baseUrl: url, useAsync: true, maxRetries: 0 });
  try {
    return await use(provider);
  } finally {
    await provider.close();
  }
}

async function mathAgent(url: string, llmProvider: "openai" | "anthropic", model: string): Promise<unknown> {
  const config = new BaseAgentConfig({
    llmProvider,
    model,
    apiKey: llmProvider === "openai" ? OPENAI_KEY : ANTHROPIC_KEY,
    baseUrl: llmProvider === "openai" ? `${url}/v1` : url,
    useAsyncLlm: true,
    maxTokens: 400,
    maxRetries: 0,
  });
  const agent = new BaseAgent({ config, signature: new MathReasoning() });
  try {
    return await settle(() => agent.runAsync({ equation: "8x + 7 = -23" }));
  } finally {
    await agent.close();
  }
}

/** The same agent through streamAsync: the final result, or the error the stream ended with. */
async function mathAgentStream(url: string, llmProvider: "openai" | "anthropic", model: string): Promise<unknown> {
  const config = new BaseAgentConfig({
    llmProvider,
    model,
    apiKey: llmProvider === "openai" ? OPENAI_KEY : ANTHROPIC_KEY,
    baseUrl: llmProvider === "openai" ? `${url}/v1` : url,
    useAsyncLlm: true,
    maxTokens: 400,
    maxRetries: 0,
  });
  const agent = new BaseAgent({ config, signature: new MathReasoning() });
  try {
    return await settle(async () => {
      const stream = agent.streamAsync({ equation: "8x + 7 = -23" });
      for await (const _event of stream) void _event;
      return stream.result;
    });
  } finally {
    await agent.close();
  }
}

async function collectStream(events: AsyncIterable<{ type: string; delta?: string; response?: unknown }>) {
  let text = "";
  let final: unknown;
  for await (const event of events) {
    if (event.type === "text-delta") text += event.delta ?? "";
    if (event.type === "finish") final = event.response;
  }
  return { text, final };
}

const WEATHER: ToolSpec = {
  name: "get_weather",
  description: "Get the current weather in a given location",
  parameters: {
    type: "object",
    properties: { location: { type: "string", description: "The city and state, e.g. San Francisco, CA" } },
    required: ["location"],
  },
};

const hello = (model: string): ChatRequest => ({ model, messages: [{ role: "user", content: "Hello!" }] });

const openaiCompletion = (message: Record<string, unknown>, finish: string, usage: Record<string, unknown>) => ({
  id: "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
  object: "chat.completion",
  created: 1741569952,
  model: "gpt-4.1-2025-04-14",
  choices: [
    {
      index: 0,
      message: { role: "assistant", refusal: null, annotations: [], ...message },
      logprobs: null,
      finish_reason: finish,
    },
  ],
  usage,
  service_tier: "default",
});
const OPENAI_USAGE = {
  prompt_tokens: 19,
  completion_tokens: 10,
  total_tokens: 29,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};
const MATH_JSON = JSON.stringify({
  steps: [
    { explanation: "Start with the equation 8x + 7 = -23.", output: "8x + 7 = -23" },
    { explanation: "Subtract 7 from both sides to isolate the term with the variable.", output: "8x = -23 - 7" },
    { explanation: "Simplify the right side of the equation.", output: "8x = -30" },
    { explanation: "Divide both sides by 8 to solve for x.", output: "x = -30 / 8" },
    { explanation: "Simplify the fraction.", output: "x = -15 / 4" },
  ],
  final_answer: "x = -15 / 4",
});
const OPENAI_HEADERS = { "x-request-id": "req_doc_cassette_openai" };
const ANTHROPIC_HEADERS = { "request-id": "req_011CSHoEeqs5C35K2UUqR7Fy" };
const anthropicMessage = (
  content: unknown[],
  stop: string,
  usage: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5-20250929",
  content,
  stop_reason: stop,
  stop_sequence: null,
  usage,
  ...extra,
});

const refusalChunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  data: {
    id: "chatcmpl-refusal",
    object: "chat.completion.chunk",
    created: 1741569952,
    model: "gpt-4o-2024-08-06",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  },
});

export const DOC_SCENARIOS: DocScenario[] = [
  {
    name: "openai-text",
    api: "openai",
    source: "https://platform.openai.com/docs/api-reference/chat/create",
    response: {
      status: 200,
      headers: OPENAI_HEADERS,
      body: openaiCompletion({ content: "Hello! How can I assist you today?" }, "stop", OPENAI_USAGE),
    },
    call: (url) => withOpenAI(url, (p) => p.chatAsync(hello("gpt-4.1"))),
  },
  {
    name: "openai-text-stream",
    api: "openai",
    source: "https://platform.openai.com/docs/api-reference/chat-streaming",
    response: {
      status: 200,
      headers: OPENAI_HEADERS,
      events: [
        ...["", "Hello", "!", " How can I assist you today?"].map((content, i) => ({
          data: {
            id: "chatcmpl-123",
            object: "chat.completion.chunk",
            created: 1694268190,
            model: "gpt-4o-mini",
            system_fingerprint: "fp_44709d6fcb",
            choices: [
              { index: 0, delta: i === 0 ? { role: "assistant", content } : { content }, logprobs: null, finish_reason: null },
            ],
          },
        })),
        {
          data: {
            id: "chatcmpl-123",
            object: "chat.completion.chunk",
            created: 1694268190,
            model: "gpt-4o-mini",
            system_fingerprint: "fp_44709d6fcb",
            choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }],
          },
        },
        {
          data: {
            id: "chatcmpl-123",
            object: "chat.completion.chunk",
            created: 1694268190,
            model: "gpt-4o-mini",
            choices: [],
            usage: { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18 },
          },
        },
        { data: "[DONE]" },
      ],
    },
    call: (url) => withOpenAI(url, (p) => collectStream(p.streamAsync(hello("gpt-4o-mini")))),
  },
  {
    name: "openai-structured-output",
    api: "openai",
    source: "https://platform.openai.com/docs/guides/structured-outputs (chain of thought example)",
    response: {
      status: 200,
      headers: OPENAI_HEADERS,
      body: openaiCompletion({ content: MATH_JSON }, "stop", {
        ...OPENAI_USAGE,
        prompt_tokens: 124,
        completion_tokens: 121,
        total_tokens: 245,
      }),
    },
    call: (url) => mathAgent(url, "openai", "gpt-4o-2024-08-06"),
  },
  {
    name: "openai-tool-call",
    api: "openai",
    source: "https://platform.openai.com/docs/guides/function-calling",
    response: {
      status: 200,
      headers: OPENAI_HEADERS,
      body: openaiCompletion(
        {
          content: null,
          tool_calls: [
            {
              id: "call_12345xyz",
              type: "function",
              function: { name: "get_weather", arguments: '{"location":"Paris, France"}' },
            },
          ],
        },
        "tool_calls",
        { ...OPENAI_USAGE, prompt_tokens: 61, completion_tokens: 17, total_tokens: 78 },
      ),
    },
    call: (url) =>
      withOpenAI(url, (p) =>
        p.chatAsync({
          model: "gpt-4.1",
          messages: [{ role: "user", content: "What is the weather like in Paris today?" }],
          tools: [WEATHER],
        }),
      ),
  },
  {
    name: "openai-refusal",
    api: "openai",
    source: "https://platform.openai.com/docs/guides/structured-outputs (refusals)",
    response: {
      status: 200,
      headers: OPENAI_HEADERS,
      body: openaiCompletion({ content: null, refusal: "I'm sorry, I cannot assist with that request." }, "stop", OPENAI_USAGE),
    },
    call: (url) => mathAgent(url, "openai", "gpt-4o-2024-08-06"),
  },
  {
    name: "openai-refusal-stream",
    api: "openai",
    source: "https://platform.openai.com/docs/guides/structured-outputs (refusals; streamed as delta.refusal)",
    response: {
      status: 200,
      headers: OPENAI_HEADERS,
      events: [
        refusalChunk({ role: "assistant", content: null, refusal: "" }),
        refusalChunk({ refusal: "I'm sorry, " }),
        refusalChunk({ refusal: "I cannot assist with that request." }),
        refusalChunk({}, "stop"),
        { data: "[DONE]" },
      ],
    },
    call: (url) => mathAgentStream(url, "openai", "gpt-4o-2024-08-06"),
  },
  {
    name: "openai-length",
    api: "openai",
    source: 'https://platform.openai.com/docs/api-reference/chat/object (finish_reason "length")',
    response: {
      status: 200,
      headers: OPENAI_HEADERS,
      body: openaiCompletion({ content: MATH_JSON.slice(0, 90) }, "length", {
        ...OPENAI_USAGE,
        prompt_tokens: 124,
        completion_tokens: 400,
        total_tokens: 524,
      }),
    },
    call: (url) => mathAgent(url, "openai", "gpt-4o-2024-08-06"),
  },
  {
    name: "openai-schema-error",
    api: "openai",
    source:
      "https://platform.openai.com/docs/guides/structured-outputs (supported schemas: additionalProperties: false is required)",
    response: {
      status: 400,
      headers: OPENAI_HEADERS,
      body: {
        error: {
          message:
            "Invalid schema for response_format 'Answer': In context=(), 'additionalProperties' is required to be supplied and to be false.",
          type: "invalid_request_error",
          param: "response_format",
          code: null,
        },
      },
    },
    call: (url) =>
      withOpenAI(url, (p) =>
        settle(() =>
          p.chatAsync({
            ...hello("gpt-4o"),
            output: {
              name: "Answer",
              mode: "json_schema",
              schema: { type: "object", properties: { answer: { type: "string" } } },
            },
          }),
        ),
      ),
  },
  {
    name: "xai-reasoning-usage",
    api: "openai",
    source: "https://docs.x.ai/docs/guides/reasoning (usage of a reasoning model)",
    response: {
      status: 200,
      body: {
        ...openaiCompletion({ content: "4" }, "stop", {
          prompt_tokens: 32,
          completion_tokens: 9,
          total_tokens: 135,
          prompt_tokens_details: { text_tokens: 32, audio_tokens: 0, image_tokens: 0, cached_tokens: 6 },
          completion_tokens_details: {
            reasoning_tokens: 94,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
          num_sources_used: 0,
        }),
        model: "grok-3-mini",
      },
    },
    call: async (url) => {
      const provider = createOpenAICompatibleProvider({
        baseUrl: `${url}/v1`,
        useAsync: true,
        vendor: "xai",
        apiKey: OPENAI_KEY,
      });
      try {
        return await provider.chatAsync({ model: "grok-3-mini", messages: [{ role: "user", content: "What is 2+2?" }] });
      } finally {
        await provider.close();
      }
    },
  },
  {
    name: "deepseek-cache-usage",
    api: "openai",
    source: "https://api-docs.deepseek.com/guides/kv_cache (prompt_cache_hit_tokens / prompt_cache_miss_tokens)",
    response: {
      status: 200,
      body: {
        ...openaiCompletion({ content: "4" }, "stop", {
          prompt_tokens: 75,
          completion_tokens: 12,
          total_tokens: 87,
          prompt_cache_hit_tokens: 64,
          prompt_cache_miss_tokens: 11,
        }),
        model: "deepseek-chat",
      },
    },
    call: async (url) => {
      const provider = createOpenAICompatibleProvider({
        baseUrl: `${url}/v1`,
        useAsync: true,
        vendor: "deepseek",
        apiKey: OPENAI_KEY,
      });
      try {
        return await provider.chatAsync({ model: "deepseek-chat", messages: [{ role: "user", content: "What is 2+2?" }] });
      } finally {
        await provider.close();
      }
    },
  },
  {
    name: "anthropic-text",
    api: "anthropic",
    source: "https://docs.anthropic.com/en/api/messages (example response)",
    response: {
      status: 200,
      headers: ANTHROPIC_HEADERS,
      body: anthropicMessage([{ type: "text", text: "Hi! My name is Claude." }], "end_turn", {
        input_tokens: 2095,
        output_tokens: 503,
      }),
    },
    call: (url) => withAnthropic(url, (p) => p.chatAsync(hello("claude-sonnet-4-5"))),
  },
  {
    name: "anthropic-text-stream",
    api: "anthropic",
    source: "https://docs.anthropic.com/en/docs/build-with-claude/streaming (basic streaming request)",
    response: {
      status: 200,
      headers: ANTHROPIC_HEADERS,
      events: [
        {
          event: "message_start",
          data: {
            type: "message_start",
            message: {
              id: "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
              type: "message",
              role: "assistant",
              content: [],
              model: "claude-sonnet-4-5-20250929",
              stop_reason: null,
              stop_sequence: null,
              usage: { input_tokens: 25, output_tokens: 1 },
            },
          },
        },
        {
          event: "content_block_start",
          data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
        },
        { event: "ping", data: { type: "ping" } },
        {
          event: "content_block_delta",
          data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } },
        },
        {
          event: "content_block_delta",
          data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "!" } },
        },
        { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
        {
          event: "message_delta",
          data: { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 15 } },
        },
        { event: "message_stop", data: { type: "message_stop" } },
      ],
    },
    call: (url) => withAnthropic(url, (p) => collectStream(p.streamAsync(hello("claude-sonnet-4-5")))),
  },
  {
    name: "anthropic-tool-use",
    api: "anthropic",
    source: "https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use (tool_use response)",
    response: {
      status: 200,
      headers: ANTHROPIC_HEADERS,
      body: anthropicMessage(
        [
          { type: "text", text: "I'll check the current weather in San Francisco for you." },
          {
            type: "tool_use",
            id: "toolu_01A09q90qw90lq917835lq9",
            name: "get_weather",
            input: { location: "San Francisco, CA" },
          },
        ],
        "tool_use",
        { input_tokens: 384, output_tokens: 71 },
      ),
    },
    call: (url) =>
      withAnthropic(url, (p) =>
        p.chatAsync({
          model: "claude-sonnet-4-5",
          messages: [{ role: "user", content: "What's the weather like in San Francisco?" }],
          tools: [WEATHER],
        }),
      ),
  },
  {
    name: "anthropic-refusal",
    api: "anthropic",
    source:
      'https://docs.anthropic.com/en/docs/test-and-evaluate/strengthen-guardrails/handle-streaming-refusals (stop_reason "refusal")',
    response: {
      status: 200,
      headers: ANTHROPIC_HEADERS,
      body: anthropicMessage(
        [],
        "refusal",
        { input_tokens: 120, output_tokens: 3 },
        {
          stop_details: {
            type: "refusal",
            category: "cyber",
            explanation: "This request asks for working exploit code, which I can't provide.",
          },
        },
      ),
    },
    call: (url) => mathAgent(url, "anthropic", "claude-sonnet-4-5"),
  },
  {
    name: "anthropic-refusal-stream",
    api: "anthropic",
    source:
      'https://docs.anthropic.com/en/docs/test-and-evaluate/strengthen-guardrails/handle-streaming-refusals (stop_reason "refusal" in message_delta)',
    response: {
      status: 200,
      headers: ANTHROPIC_HEADERS,
      events: [
        {
          event: "message_start",
          data: {
            type: "message_start",
            message: { ...anthropicMessage([], "", { input_tokens: 120, output_tokens: 1 }), stop_reason: null },
          },
        },
        {
          event: "message_delta",
          data: {
            type: "message_delta",
            delta: {
              stop_reason: "refusal",
              stop_sequence: null,
              stop_details: {
                type: "refusal",
                category: "cyber",
                explanation: "This request asks for working exploit code, which I can't provide.",
              },
            },
            usage: { output_tokens: 3 },
          },
        },
        { event: "message_stop", data: { type: "message_stop" } },
      ],
    },
    call: (url) => mathAgentStream(url, "anthropic", "claude-sonnet-4-5"),
  },
  {
    name: "anthropic-max-tokens",
    api: "anthropic",
    source: "https://docs.anthropic.com/en/api/handling-stop-reasons (max_tokens)",
    response: {
      status: 200,
      headers: ANTHROPIC_HEADERS,
      body: anthropicMessage(
        [{ type: "tool_use", id: "toolu_01D7FLrfh4GYq7yT1ULFeyMV", name: "MathReasoning", input: {} }],
        "max_tokens",
        { input_tokens: 420, output_tokens: 400 },
      ),
    },
    call: (url) => mathAgent(url, "anthropic", "claude-sonnet-4-5"),
  },
  {
    name: "anthropic-overloaded",
    api: "anthropic",
    source: "https://docs.anthropic.com/en/api/errors (error shapes; 529 overloaded_error)",
    response: {
      status: 529,
      headers: ANTHROPIC_HEADERS,
      body: {
        type: "error",
        error: { type: "overloaded_error", message: "Overloaded" },
        request_id: "req_011CSHoEeqs5C35K2UUqR7Fy",
      },
    },
    call: (url) => withAnthropic(url, (p) => settle(() => p.chatAsync(hello("claude-sonnet-4-5")))),
  },
  {
    name: "anthropic-invalid-request",
    api: "anthropic",
    source: "https://docs.anthropic.com/en/api/errors (error shapes; 400 invalid_request_error)",
    response: {
      status: 400,
      headers: ANTHROPIC_HEADERS,
      body: {
        type: "error",
        error: { type: "invalid_request_error", message: "messages: text content blocks must be non-empty" },
        request_id: "req_011CSHoEeqs5C35K2UUqR7Fy",
      },
    },
    call: (url) => withAnthropic(url, (p) => settle(() => p.chatAsync(hello("claude-sonnet-4-5")))),
  },
];
