// The fake server through the real `openai` client, over real HTTP.
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "./fake-llm-server.js";
import type { FakeLLMServer } from "./fake-llm-types.js";
import { validatorFor } from "./__fixtures__/schema-validate.js";

const KEY = "sk-test-SECRET-abcdefghijklmnop";
let server: FakeLLMServer;
let client: OpenAI;

const qaSchema = {
  type: "object",
  properties: {
    answer: { type: "string" },
    confidence: { type: "number", minimum: 0, maximum: 1 },
    tags: { type: "array", items: { type: "string" } },
    source: { type: ["string", "null"] },
  },
  required: ["answer", "confidence", "tags", "source"],
  additionalProperties: false,
};

beforeAll(async () => {
  server = await startFakeLLMServer();
  client = new OpenAI({ apiKey: KEY, baseURL: server.openaiBaseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.resetScript();
  server.clearRequests();
});

describe("OpenAI chat completions", () => {
  it("answers arithmetic with the right number and plausible usage", async () => {
    const res = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What is 2+2?" }],
    });
    expect(res.object).toBe("chat.completion");
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.model).toBe("gpt-4o-mini");
    expect(res.choices[0]?.message.content).toContain("4");
    expect(res.choices[0]?.finish_reason).toBe("stop");
    expect(res.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage?.completion_tokens).toBeGreaterThan(0);
    expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0));
    expect(res.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(res.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
    expect(res._request_id).toMatch(/^req_/);
  });

  it("answers word arithmetic and decimals", async () => {
    const ask = async (q: string) =>
      (await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: q }] })).choices[0]?.message
        .content;
    expect(await ask("what is 12 times 3")).toContain("36");
    expect(await ask("Compute 1.5 + 2.25 please")).toContain("3.75");
    expect(await ask("What is 10 / 4?")).toContain("2.5");
    expect(await ask("what's 7 minus 10")).toContain("-3");
    expect(await ask("2 + 3 * 4 = ?")).toContain("14");
  });

  it("is deterministic: the same request gives the same answer", async () => {
    const req = { model: "gpt-4o", messages: [{ role: "user" as const, content: "Tell me about the ocean tides" }] };
    const a = await client.chat.completions.create(req);
    const b = await client.chat.completions.create(req);
    expect(a.choices[0]?.message.content).toBe(b.choices[0]?.message.content);
    expect(a.choices[0]?.message.content).toContain("ocean tides");
    expect(a.id).not.toBe(b.id);
  });

  it("answers json_schema (strict) with an object valid for the schema", async () => {
    const res = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Answer the question." },
        { role: "user", content: "What is 6 times 7?" },
      ],
      response_format: { type: "json_schema", json_schema: { name: "qa", strict: true, schema: qaSchema } },
    });
    const parsed: unknown = JSON.parse(res.choices[0]?.message.content ?? "");
    expect(validatorFor(qaSchema)(parsed)).toEqual([]);
    expect((parsed as { answer: string }).answer).toContain("42");
    expect((parsed as { confidence: number }).confidence).toBe(0.9);
  });

  it("answers json_object mode with an object, following a schema found in the prompt", async () => {
    const plain = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Reply in JSON: what is 1+1?" }],
      response_format: { type: "json_object" },
    });
    expect(JSON.parse(plain.choices[0]?.message.content ?? "")).toEqual({ answer: "1 + 1 = 2" });
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, population: { type: "integer", minimum: 1000 } },
      required: ["city", "population"],
    };
    const withSchema = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [
        { role: "system", content: `Respond with JSON matching this schema:\n${JSON.stringify(schema, null, 2)}` },
        { role: "user", content: "Name a big city" },
      ],
      response_format: { type: "json_object" },
    });
    const parsed: unknown = JSON.parse(withSchema.choices[0]?.message.content ?? "");
    expect(validatorFor(schema)(parsed)).toEqual([]);
  });

  it("follows a JSON Schema written in the system prompt, even without JSON mode", async () => {
    const schema = {
      type: "object",
      properties: { answer: { type: "string" }, confidence: { type: "number", minimum: 0, maximum: 1 } },
      required: ["answer", "confidence"],
      additionalProperties: false,
    };
    const res = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [
        {
          role: "system",
          content: `Answer the user's question.\n\nRespond with a single JSON object. The object must match this JSON Schema:\n${JSON.stringify(schema)}`,
        },
        { role: "user", content: "User question (question):\nWhat is 2+2?" },
      ],
    });
    const parsed: unknown = JSON.parse(res.choices[0]?.message.content ?? "");
    expect(validatorFor(schema)(parsed)).toEqual([]);
    expect(parsed).toEqual({ answer: "2 + 2 = 4", confidence: 0.9 });
  });

  it("calls a forced tool with schema-valid arguments", async () => {
    const parameters = {
      type: "object",
      properties: { city: { type: "string" }, unit: { enum: ["c", "f"] } },
      required: ["city", "unit"],
      additionalProperties: false,
    };
    const res = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters } }],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call?.type).toBe("function");
    expect(call?.id).toMatch(/^call_/);
    const fn = call && "function" in call ? call.function : undefined;
    expect(fn?.name).toBe("get_weather");
    expect(validatorFor(parameters)(JSON.parse(fn?.arguments ?? ""))).toEqual([]);
  });

  it("with tool_choice auto calls a tool only when the question names it, and answers a tool result in text", async () => {
    const tools = [
      {
        type: "function" as const,
        function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } },
      },
    ];
    const noTool = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "Hello there" }],
      tools,
    });
    expect(noTool.choices[0]?.message.tool_calls).toBeUndefined();
    const named = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "Please use lookup for cats" }],
      tools,
    });
    expect(named.choices[0]?.finish_reason).toBe("tool_calls");
    const after = await client.chat.completions.create({
      model: "m",
      tools,
      messages: [
        { role: "user", content: "Please use lookup for cats" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"cats"}' } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "Cats sleep 16 hours a day." },
      ],
    });
    expect(after.choices[0]?.message.content).toContain("Cats sleep 16 hours");
  });

  it("cuts long answers at max_completion_tokens with finish_reason length", async () => {
    const res = await client.chat.completions.create({
      model: "m",
      max_completion_tokens: 3,
      messages: [{ role: "user", content: "Explain the history of the Roman empire in detail" }],
    });
    expect(res.choices[0]?.finish_reason).toBe("length");
    expect(res.choices[0]?.message.content?.length).toBeLessThanOrEqual(12);
  });

  it("ends the answer before a stop sequence", async () => {
    const res = await client.chat.completions.create({
      model: "m",
      stop: [" = "],
      messages: [{ role: "user", content: "What is 2+2?" }],
    });
    expect(res.choices[0]?.message.content).toBe("2 + 2");
    expect(res.choices[0]?.finish_reason).toBe("stop");
  });

  it("answers scripted replies exactly, for the scripted number of matching requests", async () => {
    server.reply("scripted!", { times: 2, match: (r) => JSON.stringify(r.body).includes("script me") });
    server.reply({ answer: "object reply", confidence: 0.5 });
    const ask = async (q: string) =>
      (await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: q }] })).choices[0]?.message
        .content;
    expect(await ask("script me")).toBe("scripted!");
    expect(await ask("anything else")).toBe('{"answer":"object reply","confidence":0.5}');
    expect(await ask("script me")).toBe("scripted!");
    expect(await ask("script me")).not.toBe("scripted!");
  });

  it("streams chunks that reassemble to the plain answer, with a final usage chunk", async () => {
    const messages = [{ role: "user" as const, content: "Describe a sunrise over the mountains" }];
    const plain = await client.chat.completions.create({ model: "gpt-4o", messages });
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let chunks = 0;
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      chunks++;
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(plain.choices[0]?.message.content);
    expect(chunks).toBeGreaterThan(3);
    expect(finish).toBe("stop");
    expect(usage?.total_tokens).toBe(plain.usage?.total_tokens);
  });

  it("streams a structured answer in several chunks that arrive over time", async () => {
    server.setStreamChunkDelay(5);
    try {
      const stream = await client.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "What is 3+4?" }],
        response_format: { type: "json_schema", json_schema: { name: "qa", strict: true, schema: qaSchema } },
        stream: true,
      });
      const arrivals: number[] = [];
      let text = "";
      for await (const chunk of stream) {
        const piece = chunk.choices[0]?.delta.content;
        if (piece) {
          arrivals.push(Date.now());
          text += piece;
        }
      }
      expect(arrivals.length).toBeGreaterThan(5);
      expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(0);
      expect(validatorFor(qaSchema)(JSON.parse(text))).toEqual([]);
    } finally {
      server.setStreamChunkDelay(0);
    }
  });

  it("works with the SDK's stream helper and parse(): final completion, parsed JSON", async () => {
    const response_format = { type: "json_schema" as const, json_schema: { name: "qa", strict: true, schema: qaSchema } };
    const stream = client.chat.completions.stream({
      model: "gpt-4o",
      messages: [{ role: "user", content: "What is 8 - 3?" }],
      response_format,
    });
    const final = await stream.finalChatCompletion();
    expect(JSON.parse(final.choices[0]?.message.content ?? "")).toMatchObject({ answer: "8 - 3 = 5", confidence: 0.9 });
    const parsed = await client.chat.completions.parse({
      model: "gpt-4o",
      messages: [{ role: "user", content: "What is 8 - 3?" }],
      response_format,
    });
    expect(parsed.choices[0]?.message.parsed).toMatchObject({ answer: "8 - 3 = 5" });
    expect(validatorFor(qaSchema)(parsed.choices[0]?.message.parsed)).toEqual([]);
  });

  it("streams forced tool calls as argument deltas", async () => {
    const parameters = { type: "object", properties: { n: { type: "integer", minimum: 5 } }, required: ["n"] };
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "pick" }],
      tools: [{ type: "function", function: { name: "pick", parameters } }],
      tool_choice: "required",
      stream: true,
    });
    let args = "";
    let name: string | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      name ??= call?.function?.name;
      args += call?.function?.arguments ?? "";
    }
    expect(name).toBe("pick");
    expect(validatorFor(parameters)(JSON.parse(args))).toEqual([]);
  });
});

describe("OpenAI faults surface as the SDK's errors", () => {
  it("rate_limit -> RateLimitError with Retry-After headers", async () => {
    server.fault({ type: "rate_limit", retryAfterSeconds: 2 });
    const err = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.headers?.get("retry-after")).toBe("2");
    expect(e.headers?.get("retry-after-ms")).toBe("2000");
    expect(e.code).toBe("rate_limit_exceeded");
    expect(e.requestID).toMatch(/^req_/);
  });

  it("the SDK's own retry honours retry-after-ms and then succeeds", async () => {
    const retrying = new OpenAI({ apiKey: KEY, baseURL: server.openaiBaseUrl, maxRetries: 2 });
    server.fault({ type: "rate_limit", retryAfterMs: 30 });
    const started = Date.now();
    const res = await retrying.chat.completions.create({ model: "m", messages: [{ role: "user", content: "What is 2+2?" }] });
    expect(res.choices[0]?.message.content).toContain("4");
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([500, 502, 503] as const)("server_error %i -> InternalServerError", async (status) => {
    server.fault({ type: "server_error", status });
    const err = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
  });

  it("auth -> AuthenticationError whose message masks the key", async () => {
    server.fault({ type: "auth" });
    const err = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as Error).message).not.toContain(KEY);
    expect((err as Error).message).toContain("Incorrect API key provided");
  });

  it("malformed_json -> a JSON parse error", async () => {
    server.fault({ type: "malformed_json" });
    const err = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyntaxError);
  });

  it("schema_violation -> 200 with JSON that breaks the requested schema", async () => {
    server.fault({ type: "schema_violation" });
    const res = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      response_format: { type: "json_schema", json_schema: { name: "qa", strict: true, schema: qaSchema } },
    });
    const parsed: unknown = JSON.parse(res.choices[0]?.message.content ?? "");
    expect(validatorFor(qaSchema)(parsed)).not.toEqual([]);
    expect(typeof (parsed as { answer: unknown }).answer).not.toBe("string");
  });

  it("stall -> APIConnectionTimeoutError with a client timeout", async () => {
    const impatient = new OpenAI({ apiKey: KEY, baseURL: server.openaiBaseUrl, maxRetries: 0, timeout: 200 });
    server.fault({ type: "stall" });
    const started = Date.now();
    const err = await impatient.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("disconnect -> APIConnectionError", async () => {
    server.fault({ type: "disconnect" });
    const err = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it("truncated_stream -> the stream ends without a finish_reason or [DONE]", async () => {
    const messages = [{ role: "user" as const, content: "Describe a long walk along the river at dawn" }];
    const full = (await client.chat.completions.create({ model: "m", messages })).choices[0]?.message.content ?? "";
    server.fault({ type: "truncated_stream" });
    const stream = await client.chat.completions.create({ model: "m", messages, stream: true });
    let text = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBeNull();
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(full.length);
  });

  it("truncated_stream on a plain request cuts the body half-way: the client fails", async () => {
    server.fault({ type: "truncated_stream" });
    const err = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(server.requests).toHaveLength(1);
  });

  it("faults by header: x-fake-fault, with a parameter", async () => {
    const err = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] }, { headers: { "x-fake-fault": "server_error:503" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it("scripted faults apply to the next N matching requests only", async () => {
    server.fault({ type: "server_error" }, { times: 2, match: (r) => r.path === "/v1/chat/completions" });
    const call = () =>
      client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] }).then(
        () => "ok",
        () => "err",
      );
    await client.models.list();
    expect([await call(), await call(), await call()]).toEqual(["err", "err", "ok"]);
  });
});

describe("OpenAI embeddings and models", () => {
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

  it("returns deterministic unit vectors in input order (float and the SDK's default base64)", async () => {
    const texts = ["the cat sat", "a dog ran", "the cat sat"];
    const asFloat = await client.embeddings.create({ model: "text-embedding-3-small", input: texts, encoding_format: "float" });
    const asBase64 = await client.embeddings.create({ model: "text-embedding-3-small", input: texts });
    expect(server.requests.map((r) => (r.body as { encoding_format: string }).encoding_format)).toEqual(["float", "base64"]);
    expect(asFloat.data.map((d) => d.index)).toEqual([0, 1, 2]);
    for (const d of [...asFloat.data, ...asBase64.data]) {
      expect(d.embedding).toHaveLength(1536);
      expect(norm(d.embedding)).toBeCloseTo(1, 4);
    }
    expect(asFloat.data[0]?.embedding).toEqual(asFloat.data[2]?.embedding);
    expect(asFloat.data[0]?.embedding).not.toEqual(asFloat.data[1]?.embedding);
    asBase64.data[0]?.embedding.forEach((x, i) => expect(x).toBeCloseTo(asFloat.data[0]?.embedding[i] ?? NaN, 5));
    expect(asFloat.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("honours dimensions and is stable across calls", async () => {
    const a = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: "hello world",
      dimensions: 64,
      encoding_format: "float",
    });
    const b = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: "hello world",
      dimensions: 64,
      encoding_format: "float",
    });
    expect(a.data[0]?.embedding).toHaveLength(64);
    expect(a.data[0]?.embedding).toEqual(b.data[0]?.embedding);
  });

  it("lists models", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toContain("gpt-4o-mini");
    expect((await client.models.retrieve("gpt-4o")).id).toBe("gpt-4o");
  });
});

describe("recording and latency", () => {
  it("records method, path, redacted headers, parsed body and time", async () => {
    const before = Date.now();
    await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "record me" }] });
    expect(server.requests).toHaveLength(1);
    const r = server.requests[0];
    expect(r?.method).toBe("POST");
    expect(r?.path).toBe("/v1/chat/completions");
    expect(r?.headers.authorization).toBe("Bearer [redacted]");
    expect(JSON.stringify(server.requests)).not.toContain(KEY);
    expect((r?.body as { messages: unknown[] }).messages).toEqual([{ role: "user", content: "record me" }]);
    expect(r?.receivedAt).toBeGreaterThanOrEqual(before);
    server.clearRequests();
    expect(server.requests).toHaveLength(0);
  });

  it("applies per-request latency from x-fake-latency-ms", async () => {
    const started = Date.now();
    await client.chat.completions.create(
      { model: "m", messages: [{ role: "user", content: "slow" }] },
      { headers: { "x-fake-latency-ms": "150" } },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
