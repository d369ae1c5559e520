import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigurationError, ProviderError, type ChatRequest, type StreamEvent } from "@kaizen/contracts";
import { startFakeLLMServer, type FakeLLMServer } from "@kaizen/testing";
import { startRecordingProxy, type RecordingProxy } from "./__fixtures__/recording-proxy.js";
import { AnthropicProvider } from "./anthropic-provider.js";
import {
  OpenAICompatibleProvider,
  createAzureOpenAIProvider,
  createOllamaProvider,
  createOpenAICompatibleProvider,
} from "./compatible-provider.js";
import { createProvider, listProviders } from "./registry.js";

const SCHEMA = {
  type: "object",
  properties: {
    answer: { type: "string", description: "Detailed answer" },
    confidence: { type: "number", minimum: 0, maximum: 1 },
  },
  required: ["answer", "confidence"],
  additionalProperties: false,
};

const REJECTION = {
  status: 400,
  body: {
    error: {
      message: "Invalid parameter: response_format of type 'json_schema' is not supported with this model.",
      type: "invalid_request_error",
      param: "response_format",
      code: null,
    },
  },
};

function isJsonSchemaRequest(body: unknown): boolean {
  const format = (body as { response_format?: { type?: string } } | undefined)?.response_format;
  return format?.type === "json_schema";
}

function structured(extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: "llama3.1",
    messages: [{ role: "user", content: "What is 2+2?" }],
    output: { name: "QAOutput", schema: SCHEMA },
    ...extra,
  };
}

let server: FakeLLMServer;
// A server that speaks the protocol but rejects json_schema, as many compatible servers do.
let noJsonSchema: RecordingProxy;
let azureGateway: RecordingProxy;

beforeAll(async () => {
  server = await startFakeLLMServer();
  noJsonSchema = await startRecordingProxy(server.url, {
    intercept: (path, body) => (path.endsWith("/chat/completions") && isJsonSchemaRequest(body) ? REJECTION : undefined),
  });
  // Azure paths: /openai/deployments/{deployment}/chat/completions?api-version=...
  azureGateway = await startRecordingProxy(server.url, {
    rewritePath: (path) => path.replace(/^\/openai\/deployments\/[^/]+/, "/v1").replace(/\?.*$/, ""),
  });
});

afterAll(async () => {
  await noJsonSchema.close();
  await azureGateway.close();
  await server.close();
});

beforeEach(() => {
  server.resetScript();
  server.clearRequests();
});

describe("openai-compatible: json_schema fallback", () => {
  it("falls back to json_object on a 400 naming response_format, and remembers it", async () => {
    const provider = createOpenAICompatibleProvider({ baseUrl: `${noJsonSchema.url}/v1`, useAsync: true });
    try {
      const before = noJsonSchema.records.length;
      const first = await provider.chatAsync(structured());
      expect(first.structuredOutput).toBe("json_object");
      expect((first.parsed as { answer: string }).answer).toContain("4");
      const firstCalls = noJsonSchema.records.slice(before);
      expect(firstCalls.map((r) => isJsonSchemaRequest(r.body))).toEqual([true, false]);
      const fallbackBody = firstCalls[1]?.body as { response_format: unknown; messages: Array<{ content: string }> };
      expect(fallbackBody.response_format).toEqual({ type: "json_object" });
      // the schema travels in the instructions
      expect(JSON.stringify(fallbackBody.messages)).toContain("confidence");
      expect(provider).toBeInstanceOf(OpenAICompatibleProvider);
      expect((provider as OpenAICompatibleProvider).jsonSchemaRejected).toBe(true);

      // Remembered: the next call goes straight to json_object.
      const mark = noJsonSchema.records.length;
      const second = await provider.chatAsync(structured());
      expect(second.structuredOutput).toBe("json_object");
      expect(noJsonSchema.records.slice(mark).map((r) => isJsonSchemaRequest(r.body))).toEqual([false]);
    } finally {
      await provider.close();
    }
  });

  it("falls back for streams too, before any chunk was yielded", async () => {
    const provider = createOpenAICompatibleProvider({ baseUrl: `${noJsonSchema.url}/v1`, useAsync: true });
    try {
      const events: StreamEvent[] = [];
      for await (const event of provider.streamAsync(structured())) events.push(event);
      const last = events.at(-1);
      expect(last?.type).toBe("finish");
      if (last?.type === "finish") {
        expect(last.response.structuredOutput).toBe("json_object");
        expect((last.response.parsed as { answer: string }).answer).toContain("4");
      }
      expect(events.some((e) => e.type === "partial-object")).toBe(true);
    } finally {
      await provider.close();
    }
  });

  it("does not downgrade a mode the caller forced", async () => {
    const provider = createOpenAICompatibleProvider({ baseUrl: `${noJsonSchema.url}/v1`, useAsync: true });
    try {
      const request = structured({ output: { name: "QAOutput", schema: SCHEMA, mode: "json_schema" } });
      const error = await provider.chatAsync(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).status).toBe(400);
      expect((provider as OpenAICompatibleProvider).jsonSchemaRejected).toBe(false);
    } finally {
      await provider.close();
    }
  });

  it("with jsonSchema: false never sends json_schema", async () => {
    const provider = createOpenAICompatibleProvider({ baseUrl: `${noJsonSchema.url}/v1`, useAsync: true, jsonSchema: false });
    try {
      const mark = noJsonSchema.records.length;
      const response = await provider.chatAsync(structured());
      expect(response.structuredOutput).toBe("json_object");
      expect(noJsonSchema.records.slice(mark)).toHaveLength(1);
    } finally {
      await provider.close();
    }
  });
});

describe("openai-compatible: keys and base URLs", () => {
  it("requires a baseUrl", () => {
    expect(() => createOpenAICompatibleProvider({})).toThrow(ConfigurationError);
    expect(() => createOpenAICompatibleProvider({})).toThrow(/baseUrl/);
  });

  it("needs no key, and never sends OPENAI_API_KEY to a third-party server", async () => {
    const saved = process.env["OPENAI_API_KEY"];
    process.env["OPENAI_API_KEY"] = "sk-openai-real-key-must-not-leak-0123456789";
    const provider = createOpenAICompatibleProvider({ baseUrl: `${noJsonSchema.url}/v1`, useAsync: true });
    try {
      const mark = noJsonSchema.records.length;
      const response = await provider.chatAsync({ model: "llama3.1", messages: [{ role: "user", content: "What is 2+2?" }] });
      expect(response.content).toContain("4");
      const auth = String(noJsonSchema.records[mark]?.headers["authorization"] ?? "");
      expect(auth).not.toContain("sk-openai-real-key");
    } finally {
      if (saved === undefined) delete process.env["OPENAI_API_KEY"];
      else process.env["OPENAI_API_KEY"] = saved;
      await provider.close();
    }
  });

  it("ollama: no key needed, name 'ollama', default base URL overridable", async () => {
    const provider = createOllamaProvider({ baseUrl: server.openaiBaseUrl, useAsync: true });
    try {
      expect(provider.name).toBe("ollama");
      const response = await provider.chatAsync({ model: "llama3.1", messages: [{ role: "user", content: "What is 2+2?" }] });
      expect(response.content).toContain("4");
    } finally {
      await provider.close();
    }
  });
});

describe("azure", () => {
  const AZURE_KEY = "azure-key-0123456789abcdef0123";

  it("calls the deployment path with api-version and the api-key header", async () => {
    const provider = createAzureOpenAIProvider({
      apiKey: AZURE_KEY,
      endpoint: azureGateway.url,
      deployment: "my-gpt4o",
      apiVersion: "2024-10-21",
      useAsync: true,
    });
    try {
      const mark = azureGateway.records.length;
      const response = await provider.chatAsync(structured({ model: "gpt-4o" }));
      expect(response.structuredOutput).toBe("json_schema");
      expect((response.parsed as { answer: string }).answer).toContain("4");
      const record = azureGateway.records[mark];
      expect(record?.path).toBe("/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21");
      expect(record?.headers["api-key"]).toBe(AZURE_KEY);
      expect(provider.name).toBe("azure");

      const events: StreamEvent[] = [];
      for await (const event of provider.streamAsync(structured({ model: "gpt-4o" }))) events.push(event);
      expect(events.at(-1)?.type).toBe("finish");
    } finally {
      await provider.close();
    }
  });

  it("names AZURE_OPENAI_API_KEY, OPENAI_API_VERSION and the endpoint when they are missing", () => {
    const saved = { ...process.env };
    delete process.env["AZURE_OPENAI_API_KEY"];
    delete process.env["OPENAI_API_VERSION"];
    delete process.env["AZURE_OPENAI_ENDPOINT"];
    try {
      expect(() => createAzureOpenAIProvider({ endpoint: azureGateway.url, apiVersion: "2024-10-21" })).toThrow(
        /AZURE_OPENAI_API_KEY/,
      );
      expect(() => createAzureOpenAIProvider({ apiKey: AZURE_KEY, endpoint: azureGateway.url })).toThrow(/OPENAI_API_VERSION/);
      expect(() => createAzureOpenAIProvider({ apiKey: AZURE_KEY, apiVersion: "2024-10-21" })).toThrow(/AZURE_OPENAI_ENDPOINT/);
    } finally {
      process.env = saved;
    }
  });
});

describe("registry", () => {
  it("knows anthropic, ollama, azure and openai-compatible by name", async () => {
    expect(listProviders()).toEqual(expect.arrayContaining(["anthropic", "ollama", "azure", "openai-compatible"]));
    const anthropic = createProvider("anthropic", {
      apiKey: "sk-ant-registry-0123456789",
      baseUrl: server.anthropicBaseUrl,
      useAsync: true,
    });
    expect(anthropic).toBeInstanceOf(AnthropicProvider);
    const ollama = createProvider("ollama", { baseUrl: server.openaiBaseUrl, useAsync: true });
    expect(ollama.name).toBe("ollama");
    const compatible = createProvider("openai-compatible", { baseUrl: server.openaiBaseUrl, useAsync: true });
    const answer = await compatible.chatAsync({ model: "m", messages: [{ role: "user", content: "What is 2+2?" }] });
    expect(answer.content).toContain("4");
    await Promise.all([anthropic.close?.(), ollama.close?.(), compatible.close?.()]);
  });
});
