import { describe, expect, it } from "vitest";
import { BaseAgent, BaseAgentConfig, ConfigurationError, InvalidResponseError, getRunInfo } from "./index.js";
import type { ChatRequest, StreamEvent } from "@kaizen/contracts";
import { LocalMemory, LocalProvider, QASignature } from "./__fixtures__/local.js";

const config = new BaseAgentConfig({ model: "local-model", useAsyncLlm: true });

function agentWith(provider = new LocalProvider(), memory = new LocalMemory()) {
  return { agent: new BaseAgent({ config, signature: new QASignature(), provider, memory }), provider, memory };
}

describe("streamAsync (local provider)", () => {
  it("yields partials, then the validated final result, which deep-equals runAsync's", async () => {
    const { agent } = agentWith();
    const stream = agent.streamAsync({ question: "Tell me something long enough to stream" }, { sessionId: "st-1" });
    const seen: unknown[] = [];
    for await (const partial of stream) seen.push(partial);
    const final = await stream.result;
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(final);
    expect(getRunInfo(final)).toMatchObject({ mode: "stream", attempts: 1 });
    const viaRun = await agent.runAsync({ question: "Tell me something long enough to stream" });
    expect(final).toEqual(viaRun);
  });

  it("writes memory only after the final validation", async () => {
    const { agent, memory } = agentWith();
    const stream = agent.streamAsync({ question: "Hello there, stream" }, { sessionId: "st-mem" });
    let partials = 0;
    for await (const _ of stream) {
      partials++;
      if (partials <= 2) expect(memory.sessions.get("st-mem")).toBeUndefined();
    }
    expect(memory.sessions.get("st-mem")).toHaveLength(1);
  });

  it("await stream.result alone runs the stream", async () => {
    const { agent } = agentWith();
    const result = await agent.streamAsync({ question: "only the result please" }).result;
    expect(result.confidence).toBe(0.9);
  });

  it("breaking out of the loop aborts the request, rejects result and saves nothing", async () => {
    let signal: AbortSignal | undefined;
    const provider = new LocalProvider();
    const original = provider.streamAsync.bind(provider);
    provider.streamAsync = (request: ChatRequest): AsyncIterable<StreamEvent> => {
      signal = request.signal;
      return original(request);
    };
    const { agent, memory } = agentWith(provider);
    const stream = agent.streamAsync({ question: "a question long enough to be cut off" }, { sessionId: "st-break" });
    for await (const _ of stream) break;
    expect(signal?.aborted).toBe(true);
    await expect(stream.result).rejects.toMatchObject({ name: "AbortError" });
    expect(memory.sessions.get("st-break")).toBeUndefined();
  });

  it("a stream that ends without its finish event is an InvalidResponseError; nothing saved", async () => {
    const provider = new LocalProvider();
    provider.streamAsync = async function* (): AsyncIterable<StreamEvent> {
      yield { type: "partial-object", object: { answer: "half" } };
    };
    const { agent, memory } = agentWith(provider);
    const stream = agent.streamAsync({ question: "Q" }, { sessionId: "st-cut" });
    const seen: unknown[] = [];
    await expect(async () => {
      for await (const partial of stream) seen.push(partial);
    }).rejects.toBeInstanceOf(InvalidResponseError);
    expect(seen).toEqual([{ answer: "half" }]);
    await expect(stream.result).rejects.toBeInstanceOf(InvalidResponseError);
    expect(memory.sessions.get("st-cut")).toBeUndefined();
  });

  it("an invalid streamed answer is re-asked (streamed again); the final result is valid", async () => {
    const { agent, provider } = agentWith();
    provider.queue.push({ answer: "bad", confidence: "high" });
    const stream = agent.streamAsync({ question: "Q" });
    for await (const _ of stream) {
      // drain
    }
    expect(getRunInfo(await stream.result)?.attempts).toBe(2);
  });

  it("rejects through the stream when useAsyncLlm is false; a stream iterates once", async () => {
    const agent = new BaseAgent({
      config: config.with({ useAsyncLlm: false }),
      signature: new QASignature(),
      provider: new LocalProvider(),
    });
    await expect(agent.streamAsync({ question: "Q" }).result).rejects.toBeInstanceOf(ConfigurationError);
    const ok = agentWith().agent.streamAsync({ question: "Q" });
    await ok.result;
    expect(() => ok[Symbol.asyncIterator]()).toThrow(/iterated once/);
  });

  it("cancel() before iterating rejects result and never calls the provider", async () => {
    const { agent, provider } = agentWith();
    const stream = agent.streamAsync({ question: "Q" });
    stream.cancel();
    await expect(stream.result).rejects.toMatchObject({ name: "AbortError" });
    expect(provider.requests).toHaveLength(0);
  });
});
