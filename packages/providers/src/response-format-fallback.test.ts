// The json_schema -> json_object fallback, over real HTTP: it triggers on the vendors' own
// "format not supported" answers (400 or 422), never on a genuine schema error, which surfaces
// as OutputSchemaRejectedError after one request.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProviderError, type ChatRequest, type StreamEvent } from "@kaizen/contracts";
import {
  startFakeLLMServer,
  startFakeLLMServerThread,
  type FakeLLMServer,
  type FakeLLMServerThread,
  type RecordedRequest,
} from "@kaizen/testing";
import { createOpenAICompatibleProvider } from "./compatible-provider.js";
import { OpenAIProvider } from "./openai-provider.js";
import {
  INVALID_OUTPUT_SCHEMA,
  OutputSchemaRejectedError,
  UNSUPPORTED_RESPONSE_FORMAT,
  classifyResponseFormatError,
} from "./response-format-errors.js";

const SCHEMA = {
  type: "object",
  properties: { answer: { type: "string" }, confidence: { type: "number", minimum: 0, maximum: 1 } },
  required: ["answer", "confidence"],
  additionalProperties: false,
};

const GENUINE_SCHEMA_ERROR =
  "Invalid schema for response_format 'QAOutput': In context=(), 'additionalProperties' is required to be supplied and to be false.";
const NAME_ERROR =
  "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.";

// How a FastAPI server validating `response_format.type` with pydantic answers json_schema.
const PYDANTIC_422 = {
  detail: [
    {
      type: "literal_error",
      loc: ["body", "response_format", "type"],
      msg: "Input should be 'text' or 'json_object'",
      input: "json_schema",
      ctx: { expected: "'text' or 'json_object'" },
    },
  ],
};

function structured(extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: "some-model",
    messages: [{ role: "user", content: "What is 2+2?" }],
    output: { name: "QAOutput", schema: SCHEMA },
    ...extra,
  };
}

const isJsonSchema = (r: RecordedRequest): boolean =>
  (r.body as { response_format?: { type?: string } } | undefined)?.response_format?.type === "json_schema";

function openaiBody(message: string, extra: Record<string, unknown> = {}) {
  return { error: { message, type: "invalid_request_error", param: "response_format", code: null, ...extra } };
}

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

describe("the rules table", () => {
  it("classifies every vendor example as unsupported, at 400 and at 422", () => {
    for (const rule of UNSUPPORTED_RESPONSE_FORMAT) {
      expect(rule.pattern.test(rule.example), rule.vendor).toBe(true);
      expect(classifyResponseFormatError(400, rule.example), rule.vendor).toBe("unsupported");
      expect(classifyResponseFormatError(422, rule.example), rule.vendor).toBe("unsupported");
    }
  });

  it("classifies every schema error example as invalid-schema, never unsupported", () => {
    for (const rule of INVALID_OUTPUT_SCHEMA) {
      expect(classifyResponseFormatError(400, rule.example), rule.vendor).toBe("invalid-schema");
    }
    expect(classifyResponseFormatError(400, GENUINE_SCHEMA_ERROR)).toBe("invalid-schema");
    // A schema error whose detail says "not supported" is still a schema error.
    expect(
      classifyResponseFormatError(
        400,
        "Invalid schema for response_format 'x': In context=('properties', 'd'), 'format' is not supported.",
      ),
    ).toBe("invalid-schema");
  });

  it("ignores other statuses and other errors that merely mention response_format", () => {
    const example = UNSUPPORTED_RESPONSE_FORMAT[0]?.example ?? "";
    expect(classifyResponseFormatError(500, example)).toBeUndefined();
    expect(classifyResponseFormatError(401, example)).toBeUndefined();
    expect(classifyResponseFormatError(undefined, example)).toBeUndefined();
    expect(classifyResponseFormatError(400, NAME_ERROR)).toBeUndefined();
    expect(
      classifyResponseFormatError(
        400,
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
      ),
    ).toBeUndefined();
    expect(classifyResponseFormatError(400, "This model's maximum context length is 8192 tokens.")).toBeUndefined();
  });
});

describe("the fallback over HTTP", () => {
  it("DeepSeek's 422 'This response_format type is unavailable now' falls back to json_object and is remembered", async () => {
    server.fault(
      { type: "http_error", status: 422, body: openaiBody("This response_format type is unavailable now") },
      { match: isJsonSchema, times: 5 },
    );
    const provider = createOpenAICompatibleProvider({ baseUrl: server.openaiBaseUrl, useAsync: true });
    try {
      const first = await provider.chatAsync(structured());
      expect(first.structuredOutput).toBe("json_object");
      expect((first.parsed as { answer: string }).answer).toContain("4");
      expect(server.requests.map(isJsonSchema)).toEqual([true, false]);
      expect(provider.jsonSchemaRejected).toBe(true);
      await provider.chatAsync(structured());
      expect(server.requests.map(isJsonSchema)).toEqual([true, false, false]);
    } finally {
      await provider.close();
    }
  });

  it("streams fall back too, on OpenAI's own 'not supported with this model' wording", async () => {
    server.fault(
      { type: "http_error", status: 400, body: openaiBody(UNSUPPORTED_RESPONSE_FORMAT[0]?.example ?? "") },
      { match: isJsonSchema },
    );
    const provider = createOpenAICompatibleProvider({ baseUrl: server.openaiBaseUrl, useAsync: true });
    try {
      const events: StreamEvent[] = [];
      for await (const event of provider.streamAsync(structured())) events.push(event);
      const last = events.at(-1);
      expect(last?.type === "finish" && last.response.structuredOutput).toBe("json_object");
      expect(server.requests.map(isJsonSchema)).toEqual([true, false]);
    } finally {
      await provider.close();
    }
  });

  it("a FastAPI/pydantic 422 without OpenAI's error member ('Input should be text or json_object') falls back", async () => {
    server.fault({ type: "http_error", status: 422, body: PYDANTIC_422 }, { match: isJsonSchema });
    const provider = createOpenAICompatibleProvider({ baseUrl: server.openaiBaseUrl, useAsync: true });
    try {
      const response = await provider.chatAsync(structured());
      expect(response.structuredOutput).toBe("json_object");
      expect(server.requests.map(isJsonSchema)).toEqual([true, false]);
    } finally {
      await provider.close();
    }
  });

  it("a genuine schema error is not a fallback: OutputSchemaRejectedError after one request", async () => {
    server.fault({ type: "http_error", status: 400, body: openaiBody(GENUINE_SCHEMA_ERROR) }, { match: isJsonSchema, times: 3 });
    const provider = createOpenAICompatibleProvider({ baseUrl: server.openaiBaseUrl, useAsync: true });
    try {
      const error = await provider.chatAsync(structured()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutputSchemaRejectedError);
      const typed = error as OutputSchemaRejectedError;
      expect(typed.code).toBe("output_schema_rejected");
      expect(typed.status).toBe(400);
      expect(typed.retryable).toBe(false);
      expect(typed.message).toContain("additionalProperties");
      expect(typed.message).toContain('output "QAOutput"');
      expect(typed.message).toContain("Fix:");
      expect(server.requests).toHaveLength(1);
      expect(provider.jsonSchemaRejected).toBe(false);

      const streamed = await (async () => {
        for await (const _event of provider.streamAsync(structured())) void _event;
      })().catch((e: unknown) => e);
      expect(streamed).toBeInstanceOf(OutputSchemaRejectedError);
      expect(server.requests).toHaveLength(2);
      expect(provider.jsonSchemaRejected).toBe(false);
    } finally {
      await provider.close();
    }
  });

  it("another 400 mentioning response_format stays a plain ProviderError and does not downgrade", async () => {
    server.fault({ type: "http_error", status: 400, body: openaiBody(NAME_ERROR) }, { match: isJsonSchema });
    const provider = createOpenAICompatibleProvider({ baseUrl: server.openaiBaseUrl, useAsync: true });
    try {
      const error = await provider.chatAsync(structured()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).not.toBeInstanceOf(OutputSchemaRejectedError);
      expect((error as ProviderError).status).toBe(400);
      expect(server.requests).toHaveLength(1);
      expect(provider.jsonSchemaRejected).toBe(false);
    } finally {
      await provider.close();
    }
  });

  it("a 500 saying 'not supported' is retried as a server error, not a fallback", async () => {
    server.fault(
      { type: "http_error", status: 500, body: openaiBody("json_schema is not supported right now") },
      { match: isJsonSchema },
    );
    const provider = createOpenAICompatibleProvider({ baseUrl: server.openaiBaseUrl, useAsync: true, maxRetries: 1 });
    try {
      const response = await provider.chatAsync(structured());
      expect(response.structuredOutput).toBe("json_schema");
      expect(server.requests.map(isJsonSchema)).toEqual([true, true]);
      expect(provider.jsonSchemaRejected).toBe(false);
    } finally {
      await provider.close();
    }
  });

  it("OpenAIProvider reports a schema error as OutputSchemaRejectedError too", async () => {
    server.fault({ type: "http_error", status: 400, body: openaiBody(GENUINE_SCHEMA_ERROR) }, { match: isJsonSchema });
    const provider = new OpenAIProvider({ apiKey: "sk-test", baseUrl: server.openaiBaseUrl, useAsync: true });
    try {
      await expect(provider.chatAsync(structured({ model: "gpt-4o" }))).rejects.toBeInstanceOf(OutputSchemaRejectedError);
      expect(server.requests).toHaveLength(1);
    } finally {
      await provider.close();
    }
  });
});

// The blocking chat() waits in Atomics.wait, so the server must answer from another thread.
describe("the blocking chat()", () => {
  let thread: FakeLLMServerThread;
  beforeAll(async () => {
    thread = await startFakeLLMServerThread();
  });
  afterAll(async () => {
    await thread.close();
  });

  it("falls back on a 400 'does not support' answer", async () => {
    await thread.fault({
      type: "http_error",
      status: 400,
      body: openaiBody("This model does not support response format `json_schema`."),
    });
    const provider = createOpenAICompatibleProvider({ baseUrl: thread.openaiBaseUrl });
    try {
      const response = provider.chat(structured());
      expect(response.structuredOutput).toBe("json_object");
      expect((await thread.requests()).map(isJsonSchema)).toEqual([true, false]);
    } finally {
      await provider.close();
    }
  });

  it("falls back on a pydantic 422 too (the error body is read on the worker's side)", async () => {
    await thread.clearRequests();
    await thread.fault({ type: "http_error", status: 422, body: PYDANTIC_422 });
    const provider = createOpenAICompatibleProvider({ baseUrl: thread.openaiBaseUrl });
    try {
      expect(provider.chat(structured()).structuredOutput).toBe("json_object");
      expect((await thread.requests()).map(isJsonSchema)).toEqual([true, false]);
    } finally {
      await provider.close();
    }
  });

  it("throws OutputSchemaRejectedError on a schema error, after one request", async () => {
    await thread.clearRequests();
    await thread.fault({ type: "http_error", status: 400, body: openaiBody(GENUINE_SCHEMA_ERROR) });
    const provider = new OpenAIProvider({ apiKey: "sk-test", baseUrl: thread.openaiBaseUrl });
    try {
      expect(() => provider.chat(structured({ model: "gpt-4o" }))).toThrow(OutputSchemaRejectedError);
      expect(await thread.requests()).toHaveLength(1);
    } finally {
      await provider.close();
    }
  });
});
