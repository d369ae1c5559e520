// The fake server through the real `@anthropic-ai/sdk` client, over real HTTP.
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validatorFor } from "./__fixtures__/schema-validate.js";
import { startFakeLLMServer } from "./fake-llm-server.js";
import type { FakeLLMServer } from "./fake-llm-types.js";

const KEY = "sk-ant-test-SECRET-abcdefghijklmnop";
let server: FakeLLMServer;
let client: Anthropic;

const answerSchema = {
  type: "object",
  properties: {
    answer: { type: "string" },
    confidence: { type: "number", minimum: 0, maximum: 1 },
    steps: { type: "array", items: { type: "string" }, minItems: 2 },
  },
  required: ["answer", "confidence", "steps"],
};

beforeAll(async () => {
  server = await startFakeLLMServer();
  client = new Anthropic({ apiKey: KEY, baseURL: server.anthropicBaseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.resetScript();
  server.clearRequests();
});

const textOf = (message: Anthropic.Message): string => message.content.map((b) => (b.type === "text" ? b.text : "")).join("");

describe("Anthropic messages", () => {
  it("answers arithmetic, with usage, ids and the request-id header", async () => {
    const { data, response } = await client.messages
      .create({ model: "claude-sonnet-4-5", max_tokens: 256, messages: [{ role: "user", content: "What is 2+2?" }] })
      .withResponse();
    expect(data.type).toBe("message");
    expect(data.id).toMatch(/^msg_01/);
    expect(data.role).toBe("assistant");
    expect(data.model).toBe("claude-sonnet-4-5");
    expect(textOf(data)).toContain("4");
    expect(data.stop_reason).toBe("end_turn");
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(data.usage.cache_read_input_tokens).toBe(0);
    expect(response.headers.get("request-id")).toMatch(/^req_/);
    expect((data as { _request_id?: string | null })._request_id).toBe(response.headers.get("request-id"));
  });

  it("accepts system as a string or as blocks, and content as blocks", async () => {
    const a = await client.messages.create({
      model: "m",
      max_tokens: 100,
      system: "Be brief.",
      messages: [{ role: "user", content: "What is 9 times 9?" }],
    });
    const b = await client.messages.create({
      model: "m",
      max_tokens: 100,
      system: [{ type: "text", text: "Be brief." }],
      messages: [{ role: "user", content: [{ type: "text", text: "What is 9 times 9?" }] }],
    });
    expect(textOf(a)).toContain("81");
    expect(textOf(b)).toBe(textOf(a));
  });

  it("answers a forced tool with a tool_use block whose input is valid for the schema", async () => {
    const res = await client.messages.create({
      model: "m",
      max_tokens: 512,
      messages: [{ role: "user", content: "What is 5 * 5?" }],
      tools: [
        { name: "answer_question", description: "Record the answer", input_schema: answerSchema as Anthropic.Tool.InputSchema },
      ],
      tool_choice: { type: "tool", name: "answer_question" },
    });
    expect(res.stop_reason).toBe("tool_use");
    const block = res.content[0];
    expect(block?.type).toBe("tool_use");
    if (block?.type !== "tool_use") throw new Error("expected tool_use");
    expect(block.id).toMatch(/^toolu_/);
    expect(block.name).toBe("answer_question");
    expect(validatorFor(answerSchema)(block.input)).toEqual([]);
    expect((block.input as { answer: string }).answer).toContain("25");
  });

  it("answers output_config json_schema with JSON text valid for it", async () => {
    const res = await client.messages.create({
      model: "m",
      max_tokens: 512,
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      output_config: { format: { type: "json_schema", schema: answerSchema } },
    });
    expect(validatorFor(answerSchema)(JSON.parse(textOf(res)))).toEqual([]);
  });

  it("stops at max_tokens with stop_reason max_tokens", async () => {
    const res = await client.messages.create({
      model: "m",
      max_tokens: 2,
      messages: [{ role: "user", content: "Tell me a long story about dragons" }],
    });
    expect(res.stop_reason).toBe("max_tokens");
  });

  it("ends the answer before a stop sequence, naming it", async () => {
    const res = await client.messages.create({
      model: "m",
      max_tokens: 100,
      stop_sequences: [" = "],
      messages: [{ role: "user", content: "What is 2+2?" }],
    });
    expect(textOf(res)).toBe("2 + 2");
    expect(res.stop_reason).toBe("stop_sequence");
    expect(res.stop_sequence).toBe(" = ");
  });

  it("streams the real event sequence, reassembling to the plain answer", async () => {
    const params = {
      model: "m",
      max_tokens: 300,
      messages: [{ role: "user" as const, content: "Describe a quiet forest in winter" }],
    };
    const plain = await client.messages.create(params);
    const stream = await client.messages.create({ ...params, stream: true });
    const types: string[] = [];
    let text = "";
    let stopReason: string | null | undefined;
    let outputTokens = 0;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
      if (event.type === "message_delta") {
        stopReason = event.delta.stop_reason;
        outputTokens = event.usage.output_tokens;
      }
    }
    expect(text).toBe(textOf(plain));
    expect(types[0]).toBe("message_start");
    expect(types[1]).toBe("content_block_start");
    expect(types.filter((t) => t === "content_block_delta").length).toBeGreaterThan(3);
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(stopReason).toBe("end_turn");
    expect(outputTokens).toBe(plain.usage.output_tokens);
  });

  it("streams a forced tool call as input_json_delta, and the SDK's helper assembles it", async () => {
    const stream = client.messages.stream({
      model: "m",
      max_tokens: 512,
      messages: [{ role: "user", content: "What is 5 * 5?" }],
      tools: [{ name: "answer_question", input_schema: answerSchema as Anthropic.Tool.InputSchema }],
      tool_choice: { type: "tool", name: "answer_question" },
    });
    let partials = 0;
    stream.on("inputJson", () => partials++);
    const final = await stream.finalMessage();
    const block = final.content[0];
    if (block?.type !== "tool_use") throw new Error("expected tool_use");
    expect(validatorFor(answerSchema)(block.input)).toEqual([]);
    expect(partials).toBeGreaterThan(3);
  });

  it("answers a tool result in text", async () => {
    const res = await client.messages.create({
      model: "m",
      max_tokens: 256,
      tools: [{ name: "lookup", input_schema: { type: "object", properties: { q: { type: "string" } } } }],
      messages: [
        { role: "user", content: "use lookup for otters" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "lookup", input: { q: "otters" } }] },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "Otters hold hands while sleeping." }],
        },
      ],
    });
    expect(textOf(res)).toContain("Otters hold hands");
  });

  it("lists models in Anthropic's shape", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toContain("claude-sonnet-4-5");
    expect(page.data[0]?.type).toBe("model");
  });
});

describe("Anthropic faults surface as the SDK's errors", () => {
  const ask = () =>
    client.messages.create({ model: "m", max_tokens: 50, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);

  it("rate_limit -> RateLimitError with retry-after", async () => {
    server.fault({ type: "rate_limit", retryAfterMs: 1500 });
    const err = await ask();
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const e = err as InstanceType<typeof Anthropic.RateLimitError>;
    expect(e.headers?.get("retry-after")).toBe("2");
    expect(e.headers?.get("retry-after-ms")).toBe("1500");
    expect(e.type).toBe("rate_limit_error");
    expect(e.requestID).toMatch(/^req_/);
  });

  it.each([500, 502, 503] as const)("server_error %i -> InternalServerError", async (status) => {
    server.fault({ type: "server_error", status });
    const err = await ask();
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(status);
  });

  it("auth -> AuthenticationError", async () => {
    server.fault({ type: "auth" });
    const err = await ask();
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.APIError>).type).toBe("authentication_error");
    expect(String(err)).not.toContain(KEY);
  });

  it("malformed_json -> a JSON parse error", async () => {
    server.fault({ type: "malformed_json" });
    expect(await ask()).toBeInstanceOf(SyntaxError);
  });

  it("schema_violation -> a tool input that breaks the schema", async () => {
    server.fault({ type: "schema_violation" });
    const res = await client.messages.create({
      model: "m",
      max_tokens: 512,
      messages: [{ role: "user", content: "q" }],
      tools: [{ name: "answer_question", input_schema: answerSchema as Anthropic.Tool.InputSchema }],
      tool_choice: { type: "tool", name: "answer_question" },
    });
    const block = res.content[0];
    if (block?.type !== "tool_use") throw new Error("expected tool_use");
    expect(validatorFor(answerSchema)(block.input)).not.toEqual([]);
  });

  it("stall -> APIConnectionTimeoutError with a client timeout", async () => {
    const impatient = new Anthropic({ apiKey: KEY, baseURL: server.anthropicBaseUrl, maxRetries: 0, timeout: 200 });
    server.fault({ type: "stall" });
    const err = await impatient.messages
      .create({ model: "m", max_tokens: 50, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it("disconnect -> APIConnectionError", async () => {
    server.fault({ type: "disconnect" });
    expect(await ask()).toBeInstanceOf(Anthropic.APIConnectionError);
  });

  it("truncated_stream -> events stop before message_stop", async () => {
    server.fault({ type: "truncated_stream" });
    const stream = await client.messages.create({
      model: "m",
      max_tokens: 300,
      stream: true,
      messages: [{ role: "user", content: "Describe a long voyage at sea" }],
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe("message_start");
    expect(types).toContain("content_block_delta");
    expect(types).not.toContain("message_stop");
    expect(types).not.toContain("message_delta");
  });

  it("the SDK retries a 429 by itself, honouring retry-after-ms", async () => {
    const retrying = new Anthropic({ apiKey: KEY, baseURL: server.anthropicBaseUrl, maxRetries: 2 });
    server.fault({ type: "rate_limit", retryAfterMs: 20 });
    const res = await retrying.messages.create({
      model: "m",
      max_tokens: 50,
      messages: [{ role: "user", content: "What is 3+3?" }],
    });
    expect(textOf(res)).toContain("6");
    expect(server.requests).toHaveLength(2);
    const auth = server.requests[0]?.headers["x-api-key"] ?? server.requests[0]?.headers.authorization;
    expect(auth).toMatch(/\[redacted\]$/);
    expect(JSON.stringify(server.requests)).not.toContain(KEY);
  });
});
