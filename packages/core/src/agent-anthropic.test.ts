// The same agent on Anthropic: llmProvider "anthropic", the real @anthropic-ai/sdk against the
// fake server's Messages API (structured output as a forced tool call).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BufferMemory } from "@kaizen/memory";
import { QASignature } from "./__fixtures__/local.js";
import { startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";
import { BaseAgent, BaseAgentConfig, getRunInfo } from "./index.js";

let server: FakeLLMServerThread;
const agents: BaseAgent<QASignature>[] = [];
beforeAll(async () => {
  server = await startFakeLLMServerThread();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await server.close();
});

function makeAgent(useAsyncLlm: boolean, memory?: BufferMemory): BaseAgent<QASignature> {
  const config = new BaseAgentConfig({
    llmProvider: "anthropic",
    model: "claude-sonnet-4-5",
    apiKey: "sk-ant-fake-kaizen-core-0001",
    baseUrl: server.anthropicBaseUrl,
    maxTokens: 500,
    useAsyncLlm,
  });
  const agent = new BaseAgent({ config, signature: new QASignature(), memory });
  agents.push(agent);
  return agent;
}

describe("BaseAgent on Anthropic (fake LLM server)", () => {
  it("runAsync and run return deep-equal, typed results through a forced tool call", async () => {
    const viaRunAsync = await makeAgent(true).runAsync({ question: "What is 2+2?" });
    const viaRun = makeAgent(false).run({ question: "What is 2+2?" });
    expect(viaRun).toEqual(viaRunAsync);
    expect(viaRunAsync.answer).toContain("4");
    expect(Object.keys(viaRunAsync).sort()).toEqual(["answer", "confidence"]);
    expect(getRunInfo(viaRunAsync)).toMatchObject({ attempts: 1, structuredOutput: "tool", mode: "async" });
    const sent = (await server.requests()).filter((r) => r.path === "/v1/messages");
    expect(sent).toHaveLength(2);
    expect(sent[0]!.body).toMatchObject({ model: "claude-sonnet-4-5", max_tokens: 500, tool_choice: { type: "tool" } });
  });

  it("a session's earlier turn reaches Anthropic as real messages", async () => {
    const memory = new BufferMemory();
    const agent = makeAgent(true, memory);
    await agent.runAsync({ question: "I live in Porto." }, { sessionId: "anthropic-1" });
    await agent.runAsync({ question: "Where do I live?" }, { sessionId: "anthropic-1" });
    const sent = (await server.requests()).filter((r) => JSON.stringify(r.body).includes("Where do I live?"));
    const messages = (sent[0]!.body as { messages: { role: string }[] }).messages;
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(JSON.stringify(messages[0])).toContain("I live in Porto.");
  });

  it("streamAsync on Anthropic ends with the validated result runAsync gives", async () => {
    const agent = makeAgent(true);
    const stream = agent.streamAsync({ question: "Name a colour of the sky." });
    let partials = 0;
    for await (const _ of stream) partials++;
    expect(partials).toBeGreaterThan(1);
    expect(await stream.result).toEqual(await agent.runAsync({ question: "Name a colour of the sky." }));
  });
});
