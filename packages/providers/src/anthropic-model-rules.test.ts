// The per-model parameter rules: the table itself, and the provider applying it over real HTTP
// against the fake server, which answers 400 (as the real API does) to what a model rejects.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigurationError, type ChatRequest } from "@kaizen/contracts";
import { startFakeLLMServer, type FakeLLMServer } from "@kaizen/testing";
import { ANTHROPIC_MODEL_RULES, applyAnthropicModelRules, claudeVersionOf, rulesFor } from "./anthropic-model-rules.js";
import { AnthropicProvider, type AnthropicProviderOptions } from "./anthropic-provider.js";

describe("the rules table", () => {
  it.each([
    ["claude-opus-4-7", { tier: "opus", version: [4, 7] }],
    ["claude-opus-4.8", { tier: "opus", version: [4, 8] }],
    ["claude-sonnet-4-5-20250929", { tier: "sonnet", version: [4, 5] }],
    ["anthropic.claude-opus-4-7-v1:0", { tier: "opus", version: [4, 7] }],
    ["claude-opus-4-20250514", { tier: "opus", version: [4, 0] }],
    ["claude-opus-5", { tier: "opus", version: [5, 0] }],
  ])("reads %s", (model, expected) => {
    expect(claudeVersionOf(model)).toEqual(expected);
  });

  it("has no rules for old-style and non-Claude ids", () => {
    expect(claudeVersionOf("claude-3-5-sonnet-latest")).toBeUndefined();
    expect(rulesFor("gpt-4o")).toEqual([]);
  });

  it.each([
    ["claude-opus-4-7", "temperature", ""],
    ["claude-opus-5-1", "temperature", ""],
    ["claude-sonnet-4-5", "", "temperature,top_p"],
    ["claude-sonnet-4-6", "", "temperature,top_p"],
    ["claude-opus-4-5", "", "temperature,top_p"],
    ["claude-opus-4-1", "", ""],
    ["claude-sonnet-4-0", "", ""],
    ["claude-haiku-4-5", "", ""],
  ])("%s rejects [%s], and [%s] together", (model, rejects, exclusive) => {
    const rules = rulesFor(model);
    expect(rules.flatMap((r) => r.rejects ?? []).join(",")).toBe(rejects);
    expect(rules.flatMap((r) => r.exclusive ?? []).join(",")).toBe(exclusive);
  });

  it("every rule says why, and covers a real tier", () => {
    for (const rule of ANTHROPIC_MODEL_RULES) {
      expect(rule.why.length).toBeGreaterThan(10);
      expect(["opus", "sonnet", "haiku"]).toContain(rule.tier);
    }
  });

  it("drops with a warning, keeps what the model accepts, or throws in strict mode", () => {
    const warnings: string[] = [];
    const params = applyAnthropicModelRules(
      { model: "claude-sonnet-4-5", temperature: 0.7, top_p: 0.9 },
      { warn: (m) => warnings.push(m) },
    );
    expect(params).toEqual({ model: "claude-sonnet-4-5", temperature: 0.7 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/topP was not sent: claude-sonnet-4-5 rejects it/);
    const strict = () =>
      applyAnthropicModelRules({ model: "claude-opus-4-7", temperature: 0.7 }, { strict: true, warn: () => undefined });
    expect(strict).toThrow(ConfigurationError);
    expect(strict).toThrow(/temperature is rejected by claude-opus-4-7.*Fix: remove temperature/);
  });
});

describe("AnthropicProvider applies the rules before sending", () => {
  let server: FakeLLMServer;
  const providers: AnthropicProvider[] = [];
  const warnings: string[] = [];
  beforeAll(async () => {
    server = await startFakeLLMServer();
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await server.close();
  });
  beforeEach(() => {
    server.clearRequests();
    warnings.length = 0;
  });
  const make = (options: Partial<AnthropicProviderOptions> = {}): AnthropicProvider => {
    const provider = new AnthropicProvider({
      apiKey: "sk-ant-test-rules-0123456789",
      baseUrl: server.anthropicBaseUrl,
      useAsync: true,
      maxRetries: 0,
      onWarning: (m) => warnings.push(m),
      ...options,
    });
    providers.push(provider);
    return provider;
  };
  const ask = (model: string, generationConfig: ChatRequest["generationConfig"]): ChatRequest => ({
    model,
    messages: [{ role: "user", content: "What is 2+2?" }],
    ...(generationConfig === undefined ? {} : { generationConfig }),
  });
  const sentBodies = () => server.requests.filter((r) => r.path === "/v1/messages").map((r) => r.body as Record<string, unknown>);

  it("the fake answers 400 to temperature on Opus 4.7, as the API does, without the rules", async () => {
    const provider = make({ modelFamily: "claude-haiku-4-5" }); // a family without rules: nothing dropped
    await expect(provider.chatAsync(ask("claude-opus-4-7", { temperature: 0.7 }))).rejects.toThrow(
      /temperature.*is deprecated for this model/,
    );
  });

  it("drops temperature for Opus 4.7 with one warning for many calls, and the request is accepted", async () => {
    const provider = make();
    for (let i = 0; i < 3; i++) {
      const response = await provider.chatAsync(ask("claude-opus-4-7", { temperature: 0.7, maxTokens: 200 }));
      expect(response.content).toContain("4");
    }
    expect(sentBodies().map((b) => b.temperature)).toEqual([undefined, undefined, undefined]);
    expect(sentBodies()[0]).toMatchObject({ max_tokens: 200 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/temperature was not sent: claude-opus-4-7 rejects it \(temperature is deprecated/);
  });

  it("keeps temperature and drops top_p when Sonnet 4.5 gets both; keeps both on Opus 4.1", async () => {
    const provider = make();
    await provider.chatAsync(ask("claude-sonnet-4-5", { temperature: 0.7, topP: 0.9 }));
    await provider.chatAsync(ask("claude-opus-4-1", { temperature: 0.7, topP: 0.9 }));
    const [sonnet, opus] = sentBodies();
    expect(sonnet).toMatchObject({ temperature: 0.7 });
    expect(sonnet).not.toHaveProperty("top_p");
    expect(opus).toMatchObject({ temperature: 0.7, top_p: 0.9 });
  });

  it("a deployment name that hides the model is matched through modelFamily", async () => {
    const hidden = make({ modelFamily: "claude-opus-4-7" });
    await hidden.chatAsync(ask("prod-claude-deployment", { temperature: 0.7 }));
    const undeclared = make();
    await undeclared.chatAsync(ask("prod-claude-deployment", { temperature: 0.7 }));
    expect(sentBodies().map((b) => b.temperature)).toEqual([undefined, 0.7]);
  });

  it("strictModelRules throws a ConfigurationError and sends nothing", async () => {
    const provider = make({ strictModelRules: true });
    await expect(provider.chatAsync(ask("claude-opus-4-7", { temperature: 0.7 }))).rejects.toBeInstanceOf(ConfigurationError);
    expect(sentBodies()).toHaveLength(0);
  });
});
