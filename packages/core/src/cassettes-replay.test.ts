// The shipped cassettes (packages/testing/cassettes, see SOURCES.md there), served by the replay
// server over real HTTP: the providers and the agent read each documented response as they must.
import { afterEach, describe, expect, it } from "vitest";
import { ProviderError, type ChatResponse } from "@kaizen/contracts";
import { OutputSchemaRejectedError } from "@kaizen/providers";
import { builtinCassette, startReplayServer, type ReplayServer } from "@kaizen/testing";
import { DOC_SCENARIOS } from "./__fixtures__/doc-cassettes.js";
import { OutputTruncatedError, RefusalError } from "./index.js";

type Streamed = { text: string; final: ChatResponse };
const EXPECT: Record<string, (outcome: unknown) => void> = {
  "openai-text": (o) => {
    const r = o as ChatResponse;
    expect(r.content).toBe("Hello! How can I assist you today?");
    expect(r.usage).toMatchObject({ inputTokens: 19, outputTokens: 10, totalTokens: 29 });
    expect(r.requestId).toBe("req_doc_cassette_openai");
  },
  "openai-text-stream": (o) => {
    const { text, final } = o as Streamed;
    expect(text).toBe("Hello! How can I assist you today?");
    expect(final.content).toBe(text);
    expect(final.usage).toEqual({ inputTokens: 9, outputTokens: 9, totalTokens: 18 });
  },
  "openai-structured-output": (o) => {
    const out = o as { steps: unknown[]; final_answer: string };
    expect(out.final_answer).toBe("x = -15 / 4");
    expect(out.steps).toHaveLength(5);
  },
  "openai-tool-call": (o) => {
    const r = o as ChatResponse;
    expect(r.finishReason).toBe("tool_calls");
    expect(r.toolCalls).toEqual([{ id: "call_12345xyz", name: "get_weather", arguments: '{"location":"Paris, France"}' }]);
  },
  "openai-refusal": (o) => {
    expect(o).toBeInstanceOf(RefusalError);
    expect((o as RefusalError).explanation).toBe("I'm sorry, I cannot assist with that request.");
  },
  "openai-refusal-stream": (o) => {
    expect(o).toBeInstanceOf(RefusalError);
    expect((o as RefusalError).explanation).toBe("I'm sorry, I cannot assist with that request.");
  },
  "openai-length": (o) => {
    expect(o).toBeInstanceOf(OutputTruncatedError);
    expect((o as OutputTruncatedError).maxTokens).toBe(400);
    expect((o as Error).message).toContain("maxTokens = 400");
  },
  "openai-schema-error": (o) => {
    expect(o).toBeInstanceOf(OutputSchemaRejectedError);
    expect((o as Error).message).toContain("additionalProperties");
  },
  "xai-reasoning-usage": (o) => {
    expect((o as ChatResponse).usage).toEqual({
      inputTokens: 32,
      outputTokens: 103,
      totalTokens: 135,
      cachedInputTokens: 6,
      reasoningTokens: 94,
    });
  },
  "deepseek-cache-usage": (o) => {
    expect((o as ChatResponse).usage).toEqual({ inputTokens: 75, outputTokens: 12, totalTokens: 87, cachedInputTokens: 64 });
  },
  "anthropic-text": (o) => {
    const r = o as ChatResponse;
    expect(r.content).toBe("Hi! My name is Claude.");
    expect(r.usage).toMatchObject({ inputTokens: 2095, outputTokens: 503, totalTokens: 2598 });
    expect(r.requestId).toBe("req_011CSHoEeqs5C35K2UUqR7Fy");
  },
  "anthropic-text-stream": (o) => {
    const { text, final } = o as Streamed;
    expect(text).toBe("Hello!");
    expect(final.content).toBe("Hello!");
    expect(final.usage).toMatchObject({ inputTokens: 25, outputTokens: 15 });
  },
  "anthropic-tool-use": (o) => {
    const r = o as ChatResponse;
    expect(r.content).toBe("I'll check the current weather in San Francisco for you.");
    expect(r.finishReason).toBe("tool_calls");
    expect(r.toolCalls).toEqual([
      { id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", arguments: '{"location":"San Francisco, CA"}' },
    ]);
  },
  "anthropic-refusal": (o) => {
    expect(o).toBeInstanceOf(RefusalError);
    expect((o as RefusalError).explanation).toContain("exploit code");
  },
  "anthropic-refusal-stream": (o) => {
    expect(o).toBeInstanceOf(RefusalError);
    expect((o as RefusalError).explanation).toContain("exploit code");
  },
  "anthropic-max-tokens": (o) => {
    expect(o).toBeInstanceOf(OutputTruncatedError);
    expect((o as OutputTruncatedError).maxTokens).toBe(400);
  },
  "anthropic-overloaded": (o) => {
    expect(o).toBeInstanceOf(ProviderError);
    expect((o as ProviderError).status).toBe(529);
    expect((o as Error).message).toBe("anthropic: the API answered HTTP 529: Overloaded");
  },
  "anthropic-invalid-request": (o) => {
    expect((o as ProviderError).status).toBe(400);
    expect((o as Error).message).toBe("anthropic: the API answered HTTP 400: messages: text content blocks must be non-empty");
  },
};

let replay: ReplayServer | undefined;
afterEach(async () => {
  await replay?.close();
  replay = undefined;
});

describe("replaying the shipped cassettes", () => {
  it("has an expectation for every cassette", () => {
    expect(Object.keys(EXPECT).sort()).toEqual(DOC_SCENARIOS.map((s) => s.name).sort());
  });

  it.each(DOC_SCENARIOS.map((s) => [s.name, s] as const))("%s", async (name, scenario) => {
    const cassette = builtinCassette(name);
    replay = await startReplayServer({ cassettes: [cassette] });
    const outcome = await scenario.call(replay.url);
    EXPECT[name]?.(outcome);
    // Every request the call made was in the cassette: nothing fell through to a 404.
    // ...and no more requests than were recorded: a refusal or a cut-off is not asked again.
    expect(replay.requests).toHaveLength(cassette.interactions.length);
    expect(replay.requests.every((r) => r.matched !== undefined)).toBe(true);
  });
});
