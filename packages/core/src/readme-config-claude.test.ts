// The README's config (temperature 0.7) on a Claude model that rejects temperature: the provider's
// per-model rules drop it with one warning, and the fake server (which answers 400 to temperature
// on Opus 4.7+, as the API does) accepts the request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer } from "@kaizen/testing";
import { QASignature } from "./__fixtures__/local.js";
import { BaseAgent, BaseAgentConfig, ConfigurationError } from "./index.js";

let server: FakeLLMServer;
const agents: BaseAgent<QASignature>[] = [];
beforeAll(async () => {
  server = await startFakeLLMServer();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await server.close();
});

function readmeAgent(providerOptions: Record<string, unknown>): BaseAgent<QASignature> {
  const config = new BaseAgentConfig({
    llmProvider: "anthropic",
    model: "claude-opus-4-7",
    temperature: 0.7,
    maxTokens: 500,
    useAsyncLlm: true, // Required for runAsync()
    apiKey: "sk-ant-fake-kaizen-readme-0001",
    baseUrl: server.anthropicBaseUrl,
    providerOptions,
  });
  const agent = new BaseAgent({ config, signature: new QASignature() });
  agents.push(agent);
  return agent;
}

describe("the README config on Claude Opus 4.7", () => {
  it("runs: temperature is dropped with one warning and the request is accepted", async () => {
    const warnings: string[] = [];
    const agent = readmeAgent({ onWarning: (m: string) => warnings.push(m) });
    const first = await agent.runAsync({ question: "What is 2+2?" });
    const second = await agent.runAsync({ question: "What is 3+3?" });
    expect(first.answer).toContain("4");
    expect(second.answer).toContain("6");
    const sent = server.requests.filter((r) => r.path === "/v1/messages").map((r) => r.body as Record<string, unknown>);
    expect(sent).toHaveLength(2);
    for (const body of sent) {
      expect(body).not.toHaveProperty("temperature");
      expect(body).toMatchObject({ model: "claude-opus-4-7", max_tokens: 500 });
    }
    expect(warnings).toEqual([expect.stringMatching(/temperature was not sent: claude-opus-4-7 rejects it/)]);
  });

  it("in strict mode it fails before sending, naming temperature and the fix", async () => {
    server.clearRequests();
    const agent = readmeAgent({ strictModelRules: true });
    const error = await agent.runAsync({ question: "What is 2+2?" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).field).toBe("temperature");
    expect((error as Error).message).toMatch(/Fix: remove temperature/);
    expect(server.requests).toHaveLength(0);
  });
});
