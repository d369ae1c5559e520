// Finish reasons become decisions in core, for both vendors and all three drivers, over real HTTP
// (the real openai and @anthropic-ai/sdk clients against the fake server on a worker thread, since
// run() blocks this thread): a refusal is one request and a RefusalError with the explanation, a
// cut-off answer an OutputTruncatedError naming maxTokens, a filtered one a ContentFilterError;
// nothing reaches memory.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BufferMemory } from "@kaizen/memory";
import { startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeFinish, FakeLLMServerThread } from "@kaizen/testing";
import { QASignature } from "./__fixtures__/local.js";
import { BaseAgent, BaseAgentConfig, ContentFilterError, OutputTruncatedError, RefusalError, isKaizenError } from "./index.js";

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

function makeAgent(vendor: Vendor, mode: Mode, memory: BufferMemory): BaseAgent<QASignature> {
  const config = new BaseAgentConfig({
    llmProvider: vendor,
    model: vendor === "openai" ? "gpt-4o-mini" : "claude-sonnet-4-6",
    apiKey: vendor === "openai" ? "sk-fake-kaizen-finish-0001" : "sk-ant-fake-kaizen-finish-0001",
    baseUrl: vendor === "openai" ? server.openaiBaseUrl : server.anthropicBaseUrl,
    maxTokens: 300,
    maxReasks: 2,
    useAsyncLlm: mode !== "run",
  });
  const agent = new BaseAgent({ config, signature: new QASignature(), memory });
  agents.push(agent);
  return agent;
}

async function attempt(
  vendor: Vendor,
  mode: Mode,
  finish: FakeFinish,
): Promise<{ error: unknown; requests: number; saved: number }> {
  await server.clearRequests();
  await server.finish(finish, { path: PATHS[vendor] });
  const memory = new BufferMemory();
  const agent = makeAgent(vendor, mode, memory);
  const sessionId = `finish-${vendor}-${mode}-${finish.reason}`;
  const inputs = { question: "What is 6 times 7? Explain it step by step." };
  let error: unknown;
  try {
    if (mode === "run") agent.run(inputs, { sessionId });
    else if (mode === "runAsync") await agent.runAsync(inputs, { sessionId });
    else {
      const stream = agent.streamAsync(inputs, { sessionId });
      for await (const _ of stream) {
        // partials, if any, before the stream ends with the error
      }
    }
  } catch (caught) {
    error = caught;
  }
  const requests = (await server.requests()).filter((r) => r.path === PATHS[vendor]).length;
  return { error, requests, saved: memory.load(sessionId).turns.length };
}

describe.each<Vendor>(["openai", "anthropic"])("finish reasons on %s", (vendor) => {
  it.each<Mode>(["run", "runAsync", "streamAsync"])(
    "a refusal is one request and a RefusalError with the explanation (%s)",
    async (mode) => {
      const explanation = "I can't help with that: it could enable harm.";
      const { error, requests, saved } = await attempt(vendor, mode, { reason: "refusal", explanation });
      expect(error).toBeInstanceOf(RefusalError);
      const refusal = error as RefusalError;
      expect(refusal.code).toBe("refusal");
      expect(isKaizenError(refusal)).toBe(true);
      expect(refusal.explanation).toBe(explanation);
      expect(refusal.message).toContain(explanation);
      expect(refusal.provider).toBe(vendor);
      expect(refusal.rawFinishReason).toBe(vendor === "openai" ? "stop" : "refusal");
      expect(requests).toBe(1);
      expect(saved).toBe(0);
    },
  );

  it.each<Mode>(["run", "runAsync", "streamAsync"])(
    "a cut-off answer is an OutputTruncatedError naming maxTokens, not re-asked (%s)",
    async (mode) => {
      const { error, requests, saved } = await attempt(vendor, mode, { reason: "length" });
      expect(error).toBeInstanceOf(OutputTruncatedError);
      const truncated = error as OutputTruncatedError;
      expect(truncated.code).toBe("output_truncated");
      expect(truncated.maxTokens).toBe(300);
      expect(truncated.outputTokens).toBe(300);
      expect(truncated.message).toMatch(/maxTokens = 300 after 300 output tokens/);
      expect(truncated.message).not.toMatch(/maxReasks/);
      expect(requests).toBe(1);
      expect(saved).toBe(0);
    },
  );
});

describe("content filter", () => {
  it.each<Mode>(["run", "runAsync", "streamAsync"])(
    "OpenAI's content_filter is one request and a ContentFilterError (%s)",
    async (mode) => {
      const { error, requests, saved } = await attempt("openai", mode, { reason: "content_filter" });
      expect(error).toBeInstanceOf(ContentFilterError);
      expect((error as ContentFilterError).code).toBe("content_filter");
      expect((error as ContentFilterError).rawFinishReason).toBe("content_filter");
      expect(requests).toBe(1);
      expect(saved).toBe(0);
    },
  );

  it("Anthropic's classifier stop (refusal without explanation) is a RefusalError without one", async () => {
    const { error, requests } = await attempt("anthropic", "runAsync", { reason: "content_filter" });
    expect(error).toBeInstanceOf(RefusalError);
    expect((error as RefusalError).explanation).toBeUndefined();
    expect(requests).toBe(1);
  });
});

describe("after a scripted finish", () => {
  it("the next run answers normally and is saved (the decision does not stick)", async () => {
    await server.resetScript();
    const memory = new BufferMemory();
    const agent = makeAgent("anthropic", "runAsync", memory);
    const result = await agent.runAsync({ question: "What is 2+2?" }, { sessionId: "finish-after" });
    expect(result.answer).toContain("4");
    expect(memory.load("finish-after").turns).toHaveLength(1);
  });
});
