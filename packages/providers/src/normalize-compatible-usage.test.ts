// Usage per compatible vendor, from the vendors' documented usage bodies (see
// __fixtures__/vendor-usage/SOURCES.md): the counts add up, cached tokens sit inside the input
// and reasoning inside the output, and cost follows from them; then the same over real HTTP.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamEvent, Usage } from "@kaizen/contracts";
import { startFakeLLMServer, type FakeLLMServer } from "@kaizen/testing";
import { startRecordingProxy, type RecordingProxy } from "./__fixtures__/recording-proxy.js";
import { createOpenAICompatibleProvider } from "./compatible-provider.js";
import { detectVendor, type CompatibleVendor } from "./compatible-vendors.js";
import { normalizeCompatibleUsage } from "./normalize-compatible-usage.js";
import { OpenAIProvider } from "./openai-provider.js";
import { computeCost } from "./prices.js";

type Body = { model: string; usage: Record<string, unknown> };
const fixture = <T = Body>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/vendor-usage/${name}.json`, import.meta.url), "utf8")) as T;

// What each vendor's body means, worked out by hand from the vendor's documented arithmetic.
const CASES: Array<{ file: string; vendor: CompatibleVendor; expected: Usage; cost?: number }> = [
  {
    file: "xai",
    vendor: "xai",
    expected: { inputTokens: 32, outputTokens: 103, totalTokens: 135, cachedInputTokens: 6, reasoningTokens: 94 },
  },
  {
    file: "deepseek",
    vendor: "deepseek",
    expected: { inputTokens: 1420, outputTokens: 356, totalTokens: 1776, cachedInputTokens: 1024, reasoningTokens: 301 },
  },
  {
    file: "deepseek-hit-miss-only",
    vendor: "deepseek",
    expected: { inputTokens: 75, outputTokens: 12, totalTokens: 87, cachedInputTokens: 64 },
  },
  { file: "groq", vendor: "groq", expected: { inputTokens: 18, outputTokens: 556, totalTokens: 574 } },
  { file: "mistral", vendor: "mistral", expected: { inputTokens: 16, outputTokens: 34, totalTokens: 50 } },
  {
    file: "together",
    vendor: "together",
    expected: { inputTokens: 46, outputTokens: 12, totalTokens: 58, cachedInputTokens: 32 },
  },
  {
    file: "fireworks",
    vendor: "fireworks",
    expected: { inputTokens: 20, outputTokens: 10, totalTokens: 30, cachedInputTokens: 16 },
  },
  {
    file: "openrouter",
    vendor: "openrouter",
    expected: { inputTokens: 194, outputTokens: 2, totalTokens: 196, cachedInputTokens: 0, reasoningTokens: 0 },
    cost: 0.95,
  },
  { file: "ollama", vendor: "ollama", expected: { inputTokens: 26, outputTokens: 290, totalTokens: 316 } },
  { file: "vllm", vendor: "vllm", expected: { inputTokens: 27, outputTokens: 26, totalTokens: 53, cachedInputTokens: 16 } },
];

describe("normalizeCompatibleUsage", () => {
  for (const { file, vendor, expected, cost } of CASES) {
    it(`${file}: counts add up and match the vendor's own total`, () => {
      const body = fixture(file);
      const { usage, reportedCostUsd } = normalizeCompatibleUsage(body.usage, vendor);
      expect(usage).toEqual(expected);
      expect(usage.inputTokens + usage.outputTokens).toBe(usage.totalTokens);
      expect(usage.totalTokens).toBe(body.usage["total_tokens"]);
      expect(usage.cachedInputTokens ?? 0).toBeLessThanOrEqual(usage.inputTokens);
      expect(usage.reasoningTokens ?? 0).toBeLessThanOrEqual(usage.outputTokens);
      expect(reportedCostUsd).toBe(cost);
    });
  }

  it("xAI read as OpenAI would under-count the output: the vendor rule is what fixes it", () => {
    const { usage } = normalizeCompatibleUsage(fixture("xai").usage, "openai");
    expect(usage.outputTokens).toBe(9);
    expect(usage.totalTokens).not.toBe(135);
  });

  it("an unknown vendor whose total says the reasoning is outside completion_tokens is read like xAI", () => {
    expect(normalizeCompatibleUsage(fixture("xai").usage, "generic").usage).toEqual(CASES[0]?.expected);
    // ...and one whose total includes the reasoning is left alone.
    const openaiStyle = {
      prompt_tokens: 10,
      completion_tokens: 50,
      total_tokens: 60,
      completion_tokens_details: { reasoning_tokens: 40 },
    };
    expect(normalizeCompatibleUsage(openaiStyle, "generic").usage).toEqual({
      inputTokens: 10,
      outputTokens: 50,
      totalTokens: 60,
      reasoningTokens: 40,
    });
  });

  it("cost comes from the normalised counts: xAI reasoning is billed as output, cache hits at the cached rate", () => {
    const { usage } = normalizeCompatibleUsage(fixture("xai").usage, "xai");
    const prices = { "grok-3-mini": { input: 0.3, output: 0.5, cachedInput: 0.075 } };
    expect(computeCost("grok-3-mini", usage, prices)).toBeCloseTo((26 * 0.3 + 6 * 0.075 + 103 * 0.5) / 1e6, 12);
    const deepseek = normalizeCompatibleUsage(fixture("deepseek").usage, "deepseek").usage;
    const dsPrices = { "deepseek-reasoner": { input: 0.56, output: 1.68, cachedInput: 0.07 } };
    expect(computeCost("deepseek-reasoner", deepseek, dsPrices)).toBeCloseTo((396 * 0.56 + 1024 * 0.07 + 356 * 1.68) / 1e6, 12);
  });

  it("no usage block is all zeros", () => {
    expect(normalizeCompatibleUsage(undefined, "groq").usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
  });
});

describe("detectVendor", () => {
  it("reads the vendor off the baseUrl's host", () => {
    expect(detectVendor(undefined)).toBe("openai");
    expect(detectVendor("https://api.openai.com/v1")).toBe("openai");
    expect(detectVendor("https://api.x.ai/v1")).toBe("xai");
    expect(detectVendor("https://api.deepseek.com")).toBe("deepseek");
    expect(detectVendor("https://api.groq.com/openai/v1")).toBe("groq");
    expect(detectVendor("https://api.mistral.ai/v1")).toBe("mistral");
    expect(detectVendor("https://api.together.xyz/v1")).toBe("together");
    expect(detectVendor("https://api.fireworks.ai/inference/v1")).toBe("fireworks");
    expect(detectVendor("https://openrouter.ai/api/v1")).toBe("openrouter");
    expect(detectVendor("http://localhost:11434/v1")).toBe("ollama");
    expect(detectVendor("https://myres.openai.azure.com/")).toBe("azure");
    expect(detectVendor("http://localhost:8000/v1")).toBeUndefined();
    expect(detectVendor("not a url")).toBeUndefined();
  });

  it("providers pick it up, and an explicit vendor wins", async () => {
    const xai = createOpenAICompatibleProvider({ baseUrl: "https://api.x.ai/v1" });
    const local = createOpenAICompatibleProvider({ baseUrl: "http://localhost:8000/v1" });
    const vllm = createOpenAICompatibleProvider({ baseUrl: "http://localhost:8000/v1", vendor: "vllm" });
    expect([xai.vendor, local.vendor, vllm.vendor]).toEqual(["xai", "generic", "vllm"]);
    await Promise.all([xai.close(), local.close(), vllm.close()]);
    expect(() => new OpenAIProvider({ apiKey: "k", vendor: "grok" as CompatibleVendor })).toThrow(/vendor must be one of/);
  });
});

describe("vendor usage over real HTTP", () => {
  let server: FakeLLMServer;
  let proxy: RecordingProxy;
  let served: string;

  beforeAll(async () => {
    server = await startFakeLLMServer();
    proxy = await startRecordingProxy(server.url, {
      intercept: (path, body) => {
        if (!path.endsWith("/chat/completions")) return undefined;
        if ((body as { stream?: boolean }).stream === true)
          return { status: 200, body: null, events: fixture<unknown[]>(served) };
        return { status: 200, body: fixture(served) };
      },
    });
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  for (const { file, vendor, expected, cost } of CASES) {
    it(`${file}: chatAsync reports the normalised usage${cost === undefined ? "" : " and the vendor's cost"}`, async () => {
      served = file;
      const provider = createOpenAICompatibleProvider({ baseUrl: `${proxy.url}/v1`, useAsync: true, vendor });
      try {
        const response = await provider.chatAsync({ model: "m", messages: [{ role: "user", content: "What is 2+2?" }] });
        expect(response.content).toBe("4");
        expect(response.usage).toEqual(expected);
        expect(response.costUsd).toBe(cost);
      } finally {
        await provider.close();
      }
    });
  }

  it("xAI cost over HTTP counts the reasoning tokens as output", async () => {
    served = "xai";
    const prices = { "grok-3-mini": { input: 0.3, output: 0.5, cachedInput: 0.075 } };
    const provider = createOpenAICompatibleProvider({ baseUrl: `${proxy.url}/v1`, useAsync: true, vendor: "xai", prices });
    try {
      const response = await provider.chatAsync({ model: "grok-3-mini", messages: [{ role: "user", content: "2+2?" }] });
      expect(response.costUsd).toBeCloseTo((26 * 0.3 + 6 * 0.075 + 103 * 0.5) / 1e6, 12);
    } finally {
      await provider.close();
    }
  });

  it("a Groq stream's usage arrives in x_groq.usage of the last chunk and is read", async () => {
    served = "groq-stream";
    const provider = createOpenAICompatibleProvider({ baseUrl: `${proxy.url}/v1`, useAsync: true, vendor: "groq" });
    try {
      const events: StreamEvent[] = [];
      for await (const event of provider.streamAsync({ model: "m", messages: [{ role: "user", content: "2+2?" }] }))
        events.push(event);
      const last = events.at(-1);
      expect(last?.type).toBe("finish");
      if (last?.type === "finish") {
        expect(last.response.content).toBe("4");
        expect(last.response.usage).toEqual({ inputTokens: 18, outputTokens: 1, totalTokens: 19 });
      }
    } finally {
      await provider.close();
    }
  });
});
