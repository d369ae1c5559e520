// The fake Messages API rejects the sampling parameters the real one rejects per Claude model,
// through the real @anthropic-ai/sdk client.
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "./fake-llm-server.js";
import type { FakeLLMServer } from "./fake-llm-types.js";

let server: FakeLLMServer;
let client: Anthropic;
beforeAll(async () => {
  server = await startFakeLLMServer();
  client = new Anthropic({ apiKey: "sk-ant-test-checks-000000", baseURL: server.anthropicBaseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});

const ask = (model: string, extra: { temperature?: number; top_p?: number }) =>
  client.messages.create({ model, max_tokens: 100, messages: [{ role: "user", content: "What is 2+2?" }], ...extra });

describe("per-model sampling checks", () => {
  it("answers 400 invalid_request_error to temperature on Opus 4.7 and newer", async () => {
    for (const model of ["claude-opus-4-7", "claude-opus-4-8-20270101", "claude-opus-5"]) {
      const error = await ask(model, { temperature: 0.7 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as InstanceType<typeof Anthropic.BadRequestError>).message).toContain(
        "`temperature` is deprecated for this model.",
      );
    }
    expect((await ask("claude-opus-4-7", { top_p: 0.9 })).stop_reason).toBe("end_turn");
  });

  it("answers 400 to temperature with top_p on Sonnet 4.5/4.6 and Opus 4.5, and accepts either alone", async () => {
    for (const model of ["claude-sonnet-4-5", "claude-sonnet-4-6", "claude-opus-4-5-20251101"]) {
      await expect(ask(model, { temperature: 0.7, top_p: 0.9 })).rejects.toThrow(/cannot both be specified/);
      expect((await ask(model, { temperature: 0.7 })).stop_reason).toBe("end_turn");
      expect((await ask(model, { top_p: 0.9 })).stop_reason).toBe("end_turn");
    }
  });

  it("accepts both on models without these rules", async () => {
    for (const model of ["claude-opus-4-1", "claude-haiku-4-5", "claude-3-5-haiku-latest"]) {
      expect((await ask(model, { temperature: 0.7, top_p: 0.9 })).stop_reason).toBe("end_turn");
    }
  });
});

describe("tool blocks without tools", () => {
  it("answers 400 to tool_use/tool_result history when the request defines no tools, and accepts it with tools", async () => {
    const messages = [
      { role: "user" as const, content: "Weather in Oslo?" },
      {
        role: "assistant" as const,
        content: [{ type: "tool_use" as const, id: "toolu_01", name: "get_weather", input: { city: "Oslo" } }],
      },
      { role: "user" as const, content: [{ type: "tool_result" as const, tool_use_id: "toolu_01", content: "3 C" }] },
    ];
    const plain = client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 100, messages });
    await expect(plain).rejects.toThrow(/must define tools/);
    const tools = [{ name: "get_weather", input_schema: { type: "object" as const, properties: { city: { type: "string" } } } }];
    expect((await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 100, messages, tools })).type).toBe("message");
  });
});
