import { describe, expect, it, vi } from "vitest";
import { ProviderError } from "@kaizen/contracts";
import { BufferMemory, SummaryMemory } from "@kaizen/memory";
import type { Memory } from "@kaizen/memory";
import type { ChatRequest, LLMProvider } from "@kaizen/contracts";
import {
  ASYNC_MODE_MESSAGE,
  BaseAgent,
  BaseAgentConfig,
  ConfigurationError,
  InputValidationError,
  OutputValidationError,
  TimeoutError,
  getRunInfo,
} from "./index.js";
import type { AgentHooks } from "./index.js";
import { LocalMemory, LocalProvider, QASignature, lastUser } from "./__fixtures__/local.js";

const asyncConfig = new BaseAgentConfig({ model: "local-model", useAsyncLlm: true });
const syncConfig = new BaseAgentConfig({ model: "local-model" });

function agentWith(
  options: { config?: BaseAgentConfig; provider?: LLMProvider; memory?: Memory; hooks?: AgentHooks | AgentHooks[] } = {},
) {
  const provider = options.provider ?? new LocalProvider();
  const agent = new BaseAgent({
    config: options.config ?? asyncConfig,
    signature: new QASignature(),
    provider,
    memory: options.memory,
    hooks: options.hooks,
    onHookError: options.hooks ? (error: unknown) => void reported.push(error) : undefined,
  });
  return { agent, provider: provider as LocalProvider };
}
const reported: unknown[] = [];

describe("the run lifecycle (local provider)", () => {
  it("run() returns the outputs object itself, exactly the output fields", () => {
    const { agent, provider } = agentWith({ config: syncConfig });
    const result = agent.run({ question: "What is 2+2?" });
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toEqual({ answer: "You asked: " + lastUser(provider.requests[0]!), confidence: 0.9 });
    expect(Object.keys(result)).toEqual(["answer", "confidence"]);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it("sends the system prompt, the user message and the canonical output schema", async () => {
    const { agent, provider } = agentWith();
    await agent.runAsync({ question: "Why is the sky blue?" });
    const request = provider.requests[0]!;
    expect(request.model).toBe("local-model");
    expect(request.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(request.messages[1]!.content).toContain("Why is the sky blue?");
    expect(request.output).toMatchObject({ name: "QASignature", mode: "auto" });
    expect(request.output!.schema).toMatchObject({ type: "object", required: ["answer", "confidence"] });
  });

  it("passes the generation settings from the config", async () => {
    const config = asyncConfig.with({ temperature: 0.7, maxTokens: 500, topP: 0.5, structuredOutput: "json_object" });
    const { agent, provider } = agentWith({ config });
    await agent.runAsync({ question: "Hi" });
    expect(provider.requests[0]!.generationConfig).toEqual({ temperature: 0.7, maxTokens: 500, topP: 0.5 });
    expect(provider.requests[0]!.output!.mode).toBe("json_object");
  });

  it("records usage, cost, attempts, request ids and latency in getRunInfo, not on the result", async () => {
    const { agent } = agentWith();
    const result = await agent.runAsync({ question: "Hi" });
    const info = getRunInfo(result)!;
    expect(info).toMatchObject({
      mode: "async",
      attempts: 1,
      providerAttempts: 1,
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      costUsd: 0.001,
      model: "local-model",
      structuredOutput: "json_schema",
      finishReason: "stop",
      requestIds: ["req_1"],
    });
    expect(info.latencyMs).toBeGreaterThanOrEqual(0);
    expect(info.rawText).toBe(JSON.stringify(result));
    expect(getRunInfo({ ...result })).toBeUndefined();
  });

  it("runAsync with useAsyncLlm false rejects (never throws) with the exact message, before any I/O", async () => {
    const { agent, provider } = agentWith({ config: syncConfig });
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = agent.runAsync({ question: "Hello" });
    }).not.toThrow();
    const error = await promise!.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message).toBe(ASYNC_MODE_MESSAGE);
    expect((error as ConfigurationError).field).toBe("useAsyncLlm");
    expect(provider.requests).toHaveLength(0);
  });

  it("re-asks once with the issues and returns the valid second answer (attempts 2)", async () => {
    const onRetry = vi.fn();
    const { agent, provider } = agentWith({ hooks: { onRetry } });
    provider.queue.push({ answer: "four", confidence: 7 });
    const result = await agent.runAsync({ question: "What is 2+2?" });
    expect(result.confidence).toBe(0.9);
    expect(getRunInfo(result)).toMatchObject({ attempts: 2, usage: { totalTokens: 30 }, requestIds: ["req_1", "req_2"] });
    const second = provider.requests[1]!.messages;
    expect(second.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(second[2]!.content).toBe(JSON.stringify({ answer: "four", confidence: 7 }));
    expect(second[3]!.content).toContain("confidence");
    expect(onRetry).toHaveBeenCalledWith(expect.objectContaining({ kind: "reask", attempt: 2, rawText: second[2]!.content }));
  });

  it("throws OutputValidationError after the last re-ask, with raw text, issues and attempts; nothing saved", async () => {
    const memory = new LocalMemory();
    const { agent, provider } = agentWith({ memory, config: asyncConfig.with({ maxReasks: 2 }) });
    provider.queue.push("not json", { answer: 1 }, { answer: "x", confidence: 2 });
    const error = (await agent
      .runAsync({ question: "Q" }, { sessionId: "s-fail" })
      .catch((e: unknown) => e)) as OutputValidationError;
    expect(error).toBeInstanceOf(OutputValidationError);
    expect(error.attempts).toBe(3);
    expect(error.rawText).toBe(JSON.stringify({ answer: "x", confidence: 2 }));
    expect(error.issues[0]!.path).toEqual(["confidence"]);
    expect(error.message).toMatch(/after 3 attempts: confidence: /);
    expect(provider.requests).toHaveLength(3);
    expect(memory.sessions.get("s-fail")).toBeUndefined();
  });

  it("maxReasks 0 never re-asks", () => {
    const { agent, provider } = agentWith({ config: syncConfig.with({ maxReasks: 0 }) });
    provider.queue.push({ answer: "x" });
    expect(() => agent.run({ question: "Q" })).toThrow(OutputValidationError);
    expect(provider.requests).toHaveLength(1);
  });

  it("input errors: run() throws, runAsync() rejects, with InputValidationError", async () => {
    const { agent, provider } = agentWith({ config: asyncConfig });
    expect(() => agent.run({ qestion: "typo" } as never)).toThrow(InputValidationError);
    await expect(agent.runAsync({ question: 42 } as never)).rejects.toBeInstanceOf(InputValidationError);
    expect(provider.requests).toHaveLength(0);
  });

  it("a session's second question carries the first turn as real messages; sessionId never in the prompt", async () => {
    const memory = new LocalMemory();
    const { agent, provider } = agentWith({ memory });
    const first = await agent.runAsync({ question: "My name is Ada." }, { sessionId: "session-ada" });
    await agent.runAsync({ question: "What is my name?" }, { sessionId: "session-ada" });
    const messages = provider.requests[1]!.messages;
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[1]!.content).toContain("My name is Ada.");
    expect(JSON.parse(messages[2]!.content as string)).toEqual(first);
    expect(messages[3]!.content).toContain("What is my name?");
    for (const request of provider.requests) expect(JSON.stringify(request.messages)).not.toContain("session-ada");
    expect(memory.sessions.get("session-ada")!.map((t) => t.inputs)).toEqual([
      { question: "My name is Ada." },
      { question: "What is my name?" },
    ]);
  });

  it("a SummaryMemory's summary reaches the system prompt, followed by the turns it kept", async () => {
    const memory = new SummaryMemory({
      store: new BufferMemory(),
      keepLast: 1,
      summarize: async (turns, previous) => `${previous ?? ""}[${turns.map((t) => String(t.inputs.question)).join("; ")}]`,
    });
    const { agent, provider } = agentWith({ memory });
    for (const question of ["first", "second", "third"]) await agent.runAsync({ question }, { sessionId: "summarised" });
    await agent.runAsync({ question: "fourth" }, { sessionId: "summarised" });
    const messages = provider.requests[3]!.messages;
    expect(messages[0]!.content).toMatch(/\n\nSummary of the earlier conversation:\n.*first.*second/s);
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[1]!.content).toContain("third");
  });

  it("memoryMaxTurns bounds the turns loaded; sessions do not see each other", () => {
    const memory = new LocalMemory();
    const { agent, provider } = agentWith({ memory, config: syncConfig.with({ memoryMaxTurns: 2 }) });
    for (const q of ["one", "two", "three"]) agent.run({ question: q }, { sessionId: "bounded" });
    agent.run({ question: "four" }, { sessionId: "bounded" });
    agent.run({ question: "other" }, { sessionId: "another" });
    expect(provider.requests[3]!.messages).toHaveLength(2 + 2 * 2);
    expect(provider.requests[3]!.messages[1]!.content).toContain("two");
    expect(provider.requests[4]!.messages).toHaveLength(2);
  });

  it("a sessionId without a memory uses the agent's own BufferMemory, which agent.close() closes", async () => {
    const { agent, provider } = agentWith();
    expect(agent.memory).toBeInstanceOf(BufferMemory);
    await agent.runAsync({ question: "My name is Ada." }, { sessionId: "s" });
    await agent.runAsync({ question: "What is my name?" }, { sessionId: "s" });
    expect(provider.requests[1]!.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(provider.requests[1]!.messages[1]!.content).toContain("My name is Ada.");
    expect(agent.memory.load!("s").turns).toHaveLength(2);
    await agent.close();
    expect(() => agent.memory.load!("s")).toThrow(/memory is closed/);
  });

  it("a memory passed in stays open after agent.close()", async () => {
    const memory = new BufferMemory();
    const { agent } = agentWith({ memory });
    await agent.runAsync({ question: "Q" }, { sessionId: "s" });
    await agent.close();
    expect(memory.load("s").turns).toHaveLength(1);
  });

  it("a sessionId passed as an input is a ConfigurationError naming the fix", async () => {
    const { agent } = agentWith();
    await expect(agent.runAsync({ question: "Q", sessionId: "s" } as never)).rejects.toMatchObject({ field: "sessionId" });
  });

  it("run() with a memory that has no sync API fails at once, saying to use runAsync", () => {
    const memory = new LocalMemory(true);
    const { agent, provider } = agentWith({ memory, config: syncConfig });
    expect(() => agent.run({ question: "Q" }, { sessionId: "s" })).toThrow(
      /The remote memory has no synchronous API, so run\(\) cannot use it\. Fix: use await agent\.runAsync/,
    );
    expect(provider.requests).toHaveLength(0);
  });

  it("an async-only memory works with runAsync", async () => {
    const memory = new LocalMemory(true);
    const { agent } = agentWith({ memory });
    await agent.runAsync({ question: "Q1" }, { sessionId: "s" });
    await agent.runAsync({ question: "Q2" }, { sessionId: "s" });
    expect(memory.sessions.get("s")).toHaveLength(2);
  });

  it("a provider without chat() fails at construction when useAsyncLlm is false, saying what to add", () => {
    const provider: LLMProvider = { name: "async-only", chatAsync: (r: ChatRequest) => new LocalProvider().chatAsync(r) };
    expect(() => new BaseAgent({ config: syncConfig, signature: new QASignature(), provider })).toThrow(
      /The provider "async-only" has no synchronous chat\(\) method, which run\(\) needs \(useAsyncLlm is false\)\. Fix: add a chat\(request\) method to the provider, or set useAsyncLlm: true/,
    );
    const agent = new BaseAgent({ config: asyncConfig, signature: new QASignature(), provider });
    expect(() => agent.run({ question: "Q" })).toThrow(/use await agent\.runAsync/);
  });

  it("provider errors reject as they are, and reach onError", async () => {
    const onError = vi.fn();
    const failure = new ProviderError("upstream down", { provider: "local", status: 503 });
    const provider = new LocalProvider(() => {
      throw failure;
    });
    const { agent } = agentWith({ provider, hooks: { onError } });
    await expect(agent.runAsync({ question: "Q" })).rejects.toBe(failure);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ error: failure, mode: "async" }));
  });

  it("a run past its timeoutMs rejects with TimeoutError", async () => {
    const { agent } = agentWith({ provider: new LocalProvider(undefined, 300) });
    const error = await agent.runAsync({ question: "Q" }, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toContain("50 ms");
  });

  it("an already aborted signal rejects before any I/O", async () => {
    const { agent, provider } = agentWith();
    await expect(agent.runAsync({ question: "Q" }, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(provider.requests).toHaveLength(0);
  });

  it("close() closes the provider it created, never one passed in; runs after close fail", async () => {
    const { agent, provider } = agentWith();
    await agent.close();
    await agent.close();
    expect(provider.closed).toBe(0);
    await expect(agent.runAsync({ question: "Q" })).rejects.toThrow(/This agent was closed/);
  });
});

describe("hooks", () => {
  it("runAsync awaits sync and async hooks in order", async () => {
    const calls: string[] = [];
    const hooks: AgentHooks[] = [
      {
        beforeRun: async (e) => {
          await new Promise((r) => setTimeout(r, 5));
          calls.push(`before:${e.runId}:${String(e.inputs.question)}`);
        },
        afterRun: (e) => {
          calls.push(`after:${JSON.stringify(e.outputs)}:${e.info.attempts}`);
        },
      },
      { beforeRun: () => void calls.push("before2") },
    ];
    const { agent } = agentWith({ hooks });
    const result = await agent.runAsync({ question: "Q" });
    expect(calls).toEqual(["before:1:Q", "before2", `after:${JSON.stringify(result)}:1`]);
  });

  it("a failing hook is reported and the run goes on", async () => {
    reported.length = 0;
    const { agent } = agentWith({
      hooks: {
        beforeRun: () => {
          throw new Error("sync hook broke");
        },
        afterRun: async () => {
          throw new Error("async hook broke");
        },
      },
    });
    await expect(agent.runAsync({ question: "Q" })).resolves.toMatchObject({ confidence: 0.9 });
    expect(reported.map((e) => (e as Error).message)).toEqual(["sync hook broke", "async hook broke"]);
  });

  it('hookErrors: "throw" makes a failing hook fail the run', async () => {
    const { agent, provider } = agentWith({
      config: asyncConfig.with({ hookErrors: "throw" }),
      hooks: {
        beforeRun: async () => {
          throw new Error("policy says no");
        },
      },
    });
    await expect(agent.runAsync({ question: "Q" })).rejects.toThrow("policy says no");
    expect(provider.requests).toHaveLength(0);
  });

  it("the default reporter warns on the console", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const agent = new BaseAgent({
      config: asyncConfig,
      signature: new QASignature(),
      provider: new LocalProvider(),
      hooks: {
        afterRun: () => {
          throw new Error("log sink offline");
        },
      },
    });
    await agent.runAsync({ question: "Q" });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("the afterRun hook failed (run 1): log sink offline"));
    warn.mockRestore();
  });

  it("run() calls sync hooks; an async hook is started, not awaited, and its rejection reported", async () => {
    reported.length = 0;
    const calls: string[] = [];
    const { agent } = agentWith({
      config: syncConfig,
      hooks: {
        beforeRun: () => void calls.push("before"),
        afterRun: async () => {
          calls.push("after-started");
          await Promise.resolve();
          calls.push("after-finished");
          throw new Error("late failure");
        },
      },
    });
    agent.run({ question: "Q" });
    expect(calls).toEqual(["before", "after-started"]);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual(["before", "after-started", "after-finished"]);
    expect(reported.map((e) => (e as Error).message)).toEqual(["late failure"]);
  });
});
