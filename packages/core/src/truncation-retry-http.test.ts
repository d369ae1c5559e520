// onTruncated "retry-with-more": a cut-off answer is asked again with twice the budget, up to
// maxTokensCeiling, for both vendors and all three drivers, over real HTTP (the fake server on a
// worker thread, since run() blocks this thread). The default stays an OutputTruncatedError.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";
import { QASignature } from "./__fixtures__/local.js";
import { BaseAgent, BaseAgentConfig, ConfigValidationError, OutputTruncatedError } from "./index.js";
import type { BaseAgentConfigOptions, RetryEvent } from "./index.js";

type Vendor = "openai" | "anthropic";
type Mode = "run" | "runAsync" | "streamAsync";
const PATHS: Record<Vendor, string> = { openai: "/v1/chat/completions", anthropic: "/v1/messages" };

let server: FakeLLMServerThread;
const agents: BaseAgent<QASignature>[] = [];
beforeAll(async () => {
  server = await startFakeLLMServerThread();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await server.close();
});

function makeAgent(vendor: Vendor, mode: Mode, extra: Partial<BaseAgentConfigOptions>, retries: RetryEvent[]) {
  const config = new BaseAgentConfig({
    llmProvider: vendor,
    model: vendor === "openai" ? "gpt-4o-mini" : "claude-sonnet-4-6",
    apiKey: vendor === "openai" ? "sk-fake-kaizen-trunc-0001" : "sk-ant-fake-kaizen-trunc-0001",
    baseUrl: vendor === "openai" ? server.openaiBaseUrl : server.anthropicBaseUrl,
    maxTokens: 300,
    useAsyncLlm: mode !== "run",
    ...extra,
  });
  const agent = new BaseAgent({ config, signature: new QASignature(), hooks: { onRetry: (e) => void retries.push(e) } });
  agents.push(agent);
  return agent;
}

async function runOnce(agent: BaseAgent<QASignature>, mode: Mode): Promise<{ answer?: string; error?: unknown }> {
  const inputs = { question: "What is 6 times 7?" };
  try {
    if (mode === "run") return { answer: agent.run(inputs).answer };
    if (mode === "runAsync") return { answer: (await agent.runAsync(inputs)).answer };
    const stream = agent.streamAsync(inputs);
    for await (const _event of stream) void _event;
    return { answer: (await stream.result).answer };
  } catch (error) {
    return { error };
  }
}

async function budgets(vendor: Vendor): Promise<unknown[]> {
  const requests = (await server.requests()).filter((r) => r.path === PATHS[vendor]);
  return requests.map((r) => (r.body as { max_tokens?: unknown }).max_tokens);
}

describe.each<Vendor>(["openai", "anthropic"])("onTruncated on %s", (vendor) => {
  it.each<Mode>(["run", "runAsync", "streamAsync"])(
    "retry-with-more asks again with twice the budget and answers (%s)",
    async (mode) => {
      await server.clearRequests();
      await server.finish({ reason: "length" }, { path: PATHS[vendor] });
      const retries: RetryEvent[] = [];
      const agent = makeAgent(vendor, mode, { onTruncated: "retry-with-more", maxTokensCeiling: 1000 }, retries);
      const { answer, error } = await runOnce(agent, mode);
      expect(error).toBeUndefined();
      expect(answer).toContain("42");
      expect(await budgets(vendor)).toEqual([300, 600]);
      expect(retries).toEqual([
        expect.objectContaining({ kind: "truncated", attempt: 2, previousMaxTokens: 300, maxTokens: 600 }),
      ]);
    },
  );

  it("stops at maxTokensCeiling with an OutputTruncatedError that names it", async () => {
    await server.clearRequests();
    await server.finish({ reason: "length" }, { path: PATHS[vendor], times: 5 });
    const retries: RetryEvent[] = [];
    const agent = makeAgent(vendor, "runAsync", { onTruncated: "retry-with-more", maxTokensCeiling: 1000 }, retries);
    const { error } = await runOnce(agent, "runAsync");
    expect(error).toBeInstanceOf(OutputTruncatedError);
    const truncated = error as OutputTruncatedError;
    expect(truncated.maxTokens).toBe(1000);
    expect(truncated.message).toContain("maxTokensCeiling = 1000");
    expect(await budgets(vendor)).toEqual([300, 600, 1000]);
    expect(retries.map((r) => r.kind)).toEqual(["truncated", "truncated"]);
    await server.resetScript();
  });

  it("the default stays one request and an OutputTruncatedError", async () => {
    await server.clearRequests();
    await server.finish({ reason: "length" }, { path: PATHS[vendor] });
    const retries: RetryEvent[] = [];
    const agent = makeAgent(vendor, "runAsync", {}, retries);
    const { error } = await runOnce(agent, "runAsync");
    expect(error).toBeInstanceOf(OutputTruncatedError);
    expect((error as OutputTruncatedError).maxTokens).toBe(300);
    expect(await budgets(vendor)).toEqual([300]);
    expect(retries).toEqual([]);
  });
});

describe("onTruncated configuration", () => {
  const base = { model: "gpt-4o-mini", apiKey: "sk-fake" };
  it("retry-with-more needs a ceiling above maxTokens", () => {
    expect(() => new BaseAgentConfig({ ...base, onTruncated: "retry-with-more" })).toThrow(ConfigValidationError);
    expect(() => new BaseAgentConfig({ ...base, onTruncated: "retry-with-more" })).toThrow(/maxTokensCeiling/);
    expect(() => new BaseAgentConfig({ ...base, maxTokens: 500, maxTokensCeiling: 400 })).toThrow(/below maxTokens/);
    expect(() => new BaseAgentConfig({ ...base, maxTokensCeiling: 0 })).toThrow(/positive integer/);
    expect(() => new BaseAgentConfig({ ...base, onTruncated: "retry" as "throw" })).toThrow(/onTruncated must be/);
    const ok = new BaseAgentConfig({ ...base, onTruncated: "retry-with-more", maxTokensCeiling: 4000 });
    expect([ok.onTruncated, ok.maxTokensCeiling]).toEqual(["retry-with-more", 4000]);
    expect(new BaseAgentConfig(base).onTruncated).toBe("throw");
  });
});
