// Every provider reports why the model stopped in the contract's words, with the vendor's raw
// reason beside it: refusals (OpenAI's `message.refusal` / `delta.refusal`, Anthropic's
// stop_reason "refusal" with stop_details), cut-off answers and content filters. The fake LLM
// server writes cut-off answers; refusals and filters come from a raw node:http server (on a worker thread) speaking
// the vendors' wire formats, read through the real SDK clients.
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest, ChatResponse, StreamEvent } from "@kaizen/contracts";
import { startFakeLLMServer, type FakeLLMServer } from "@kaizen/testing";
import { AnthropicProvider } from "./anthropic-provider.js";
import { createOpenAICompatibleProvider } from "./compatible-provider.js";
import { OpenAIProvider } from "./openai-provider.js";

const REFUSAL = "I can't help with that request.";
const EXPLANATION = "The request could enable cyber harm.";

let serverThread: Worker;
let rawUrl: string;
let fake: FakeLLMServer;

beforeAll(async () => {
  serverThread = new Worker(new URL("./__fixtures__/finish-reason-server.mjs", import.meta.url));
  const { port } = await new Promise<{ port: number }>((resolve) => serverThread.once("message", resolve));
  rawUrl = `http://127.0.0.1:${port}`;
  fake = await startFakeLLMServer();
});

afterAll(async () => {
  await fake.close();
  serverThread.postMessage("close");
  await new Promise((resolve) => serverThread.once("exit", resolve));
});

const ask = (model: string, maxTokens?: number): ChatRequest => ({
  model,
  messages: [{ role: "user", content: "Write a long essay about the sea." }],
  ...(maxTokens === undefined ? {} : { generationConfig: { maxTokens } }),
});

async function finishOf(stream: AsyncIterable<StreamEvent>): Promise<ChatResponse> {
  let last: StreamEvent | undefined;
  for await (const event of stream) last = event;
  if (last?.type !== "finish") throw new Error("the stream ended without a finish event");
  return last.response;
}

describe("OpenAI and compatible providers", () => {
  const openai = () => new OpenAIProvider({ apiKey: "sk-test", baseUrl: `${rawUrl}/v1`, useAsync: true, maxRetries: 0 });

  it("message.refusal becomes finishReason refusal with the text, async and blocking", async () => {
    const provider = openai();
    try {
      for (const res of [await provider.chatAsync(ask("refusal")), provider.chat(ask("refusal"))]) {
        expect(res.finishReason).toBe("refusal");
        expect(res.refusal).toBe(REFUSAL);
        expect(res.rawFinishReason).toBe("stop");
        expect(res.content).toBe("");
      }
    } finally {
      await provider.close();
    }
  });

  it("streamed delta.refusal becomes finishReason refusal, and is not answer text", async () => {
    const provider = openai();
    try {
      const events: StreamEvent[] = [];
      for await (const event of provider.streamAsync(ask("refusal"))) events.push(event);
      expect(events.filter((e) => e.type === "text-delta")).toEqual([]);
      const res = (events.at(-1) as Extract<StreamEvent, { type: "finish" }>).response;
      expect(res).toMatchObject({ finishReason: "refusal", refusal: REFUSAL, rawFinishReason: "stop" });
    } finally {
      await provider.close();
    }
  });

  it("content_filter is reported as such, by a compatible provider too", async () => {
    const provider = createOpenAICompatibleProvider({ baseUrl: `${rawUrl}/v1`, useAsync: true, maxRetries: 0 });
    try {
      const plain = await provider.chatAsync(ask("filtered"));
      const streamed = await finishOf(provider.streamAsync(ask("filtered")));
      for (const res of [plain, streamed]) {
        expect(res).toMatchObject({ finishReason: "content_filter", rawFinishReason: "content_filter", content: "Partial" });
        expect(res.refusal).toBeUndefined();
      }
    } finally {
      await provider.close();
    }
  });

  it("a cut-off answer is length, with the raw reason, in calls and streams", async () => {
    const provider = new OpenAIProvider({ apiKey: "sk-test", baseUrl: fake.openaiBaseUrl, useAsync: true });
    try {
      const plain = await provider.chatAsync(ask("gpt-4o-mini", 3));
      const streamed = await finishOf(provider.streamAsync(ask("gpt-4o-mini", 3)));
      for (const res of [plain, streamed]) expect(res).toMatchObject({ finishReason: "length", rawFinishReason: "length" });
      const whole = await provider.chatAsync(ask("gpt-4o-mini"));
      expect(whole).toMatchObject({ finishReason: "stop", rawFinishReason: "stop" });
    } finally {
      await provider.close();
    }
  });
});

describe("AnthropicProvider", () => {
  const anthropic = (baseUrl: string) => new AnthropicProvider({ apiKey: "sk-ant-test", baseUrl, useAsync: true, maxRetries: 0 });
  it("stop_reason refusal becomes refusal with stop_details' explanation, async and blocking", async () => {
    const provider = anthropic(rawUrl);
    try {
      for (const res of [await provider.chatAsync(ask("refusal")), provider.chat(ask("refusal"))]) {
        expect(res).toMatchObject({ finishReason: "refusal", rawFinishReason: "refusal", refusal: EXPLANATION });
      }
      const bare = await provider.chatAsync(ask("refusal-bare"));
      expect(bare.finishReason).toBe("refusal");
      expect(bare.refusal).toBeUndefined();
    } finally {
      await provider.close();
    }
  });

  it("a streamed refusal carries the explanation from message_delta", async () => {
    const provider = anthropic(rawUrl);
    try {
      const res = await finishOf(provider.streamAsync(ask("refusal")));
      expect(res).toMatchObject({ finishReason: "refusal", rawFinishReason: "refusal", refusal: EXPLANATION });
      const bare = await finishOf(provider.streamAsync(ask("refusal-bare")));
      expect(bare.finishReason).toBe("refusal");
      expect(bare.refusal).toBeUndefined();
    } finally {
      await provider.close();
    }
  });

  it("max_tokens is length, with the raw reason, in calls and streams", async () => {
    const provider = anthropic(fake.anthropicBaseUrl);
    try {
      const plain = await provider.chatAsync(ask("claude-haiku-4-5", 3));
      const streamed = await finishOf(provider.streamAsync(ask("claude-haiku-4-5", 3)));
      for (const res of [plain, streamed]) expect(res).toMatchObject({ finishReason: "length", rawFinishReason: "max_tokens" });
      const whole = await provider.chatAsync(ask("claude-haiku-4-5"));
      expect(whole).toMatchObject({ finishReason: "stop", rawFinishReason: "end_turn" });
    } finally {
      await provider.close();
    }
  });
});
