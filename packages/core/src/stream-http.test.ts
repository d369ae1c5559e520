// streamAsync over real HTTP: the OpenAI provider's SSE stream from the fake LLM server.
import { createServer, connect } from "node:net";
import type { Server, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BufferMemory } from "@kaizen/memory";
import { QASignature } from "./__fixtures__/local.js";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer } from "@kaizen/testing";
import { BaseAgent, BaseAgentConfig, InvalidResponseError, TimeoutError, getRunInfo } from "./index.js";

let server: FakeLLMServer;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  server = await startFakeLLMServer();
});
afterAll(async () => {
  for (const close of closers) await close();
  await server.close();
});

function makeAgent(options: { chunkDelayMs?: number; memory?: BufferMemory; baseUrl?: string; maxRetries?: number } = {}) {
  const headers: Record<string, string> = {};
  if (options.chunkDelayMs !== undefined) headers["x-fake-stream-delay-ms"] = String(options.chunkDelayMs);
  const agent = new BaseAgent({
    config: new BaseAgentConfig({
      model: "gpt-4o-mini",
      apiKey: "sk-fake-kaizen-stream-0001",
      baseUrl: options.baseUrl ?? server.openaiBaseUrl,
      useAsyncLlm: true,
      providerOptions: { defaultHeaders: headers },
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
    }),
    signature: new QASignature(),
    memory: options.memory,
  });
  closers.push(() => agent.close());
  return agent;
}

/** A TCP proxy in front of the fake server that counts client connections and their closing. */
async function startCountingProxy(targetPort: number): Promise<{ url: string; opened: () => number; closed: () => number }> {
  let opened = 0;
  let closed = 0;
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    opened++;
    const upstream = connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => {
      closed++;
      upstream.destroy();
    });
    upstream.on("close", () => client.destroy());
    client.on("error", () => undefined);
    upstream.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  );
  const address = proxy.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/v1`, opened: () => opened, closed: () => closed };
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

describe("streamAsync over HTTP (OpenAI provider, fake LLM server)", () => {
  it("partial outputs arrive before the whole answer; the final result deep-equals runAsync's", async () => {
    const agent = makeAgent({ chunkDelayMs: 15 });
    const question = "Explain why streaming partial structured outputs is useful for chat interfaces.";
    const stream = agent.streamAsync({ question });
    const arrivals: { at: number; value: unknown }[] = [];
    for await (const partial of stream) arrivals.push({ at: performance.now(), value: structuredClone(partial) });
    const final = await stream.result;
    expect(arrivals.length).toBeGreaterThan(3);
    expect(arrivals.at(-1)!.value).toEqual(final);
    const firstPartial = arrivals[0]!;
    expect(final.answer.startsWith((firstPartial.value as { answer?: string }).answer ?? "")).toBe(true);
    expect(arrivals.at(-1)!.at - firstPartial.at).toBeGreaterThan(30);
    const viaRunAsync = await agent.runAsync({ question });
    expect(final).toEqual(viaRunAsync);
    expect(getRunInfo(final)).toMatchObject({ mode: "stream", attempts: 1 });
  });

  it("memory is written only after the final validation", async () => {
    const memory = new BufferMemory();
    const agent = makeAgent({ chunkDelayMs: 5, memory });
    const sessionId = `stream-mem-${Date.now()}`;
    const stream = agent.streamAsync({ question: "Write a few words about memory and streams." }, { sessionId });
    const turnsSeen: number[] = [];
    for await (const _ of stream) turnsSeen.push(memory.load(sessionId).turns.length);
    // Every partial saw an empty session; the last value (the validated final result) comes after the save.
    expect(turnsSeen.length).toBeGreaterThan(2);
    expect(turnsSeen.slice(0, -1).every((n) => n === 0)).toBe(true);
    expect(memory.load(sessionId).turns).toHaveLength(1);
    expect(memory.load(sessionId).turns[0]!.outputs).toEqual(await stream.result);
  });

  it("breaking out of the loop closes the upstream connection and saves nothing", async () => {
    const proxy = await startCountingProxy(server.port);
    const memory = new BufferMemory();
    const agent = makeAgent({ chunkDelayMs: 50, memory, baseUrl: proxy.url });
    const sessionId = `stream-cancel-${Date.now()}`;
    const stream = agent.streamAsync({ question: "Tell me a long story about cancellation, please." }, { sessionId });
    for await (const _ of stream) break;
    await expect(stream.result).rejects.toMatchObject({ name: "AbortError" });
    expect(proxy.opened()).toBe(1);
    expect(await waitFor(() => proxy.closed() === 1, 2000)).toBe(true);
    expect(memory.load(sessionId).turns).toHaveLength(0);
  });

  it("aborting the signal mid-stream cancels it", async () => {
    const agent = makeAgent({ chunkDelayMs: 50 });
    const controller = new AbortController();
    const stream = agent.streamAsync({ question: "Another long answer, to be aborted." }, { signal: controller.signal });
    const error = await (async () => {
      for await (const _ of stream) controller.abort();
    })().catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
    await expect(stream.result).rejects.toMatchObject({ name: "AbortError" });
  });

  it("a truncated stream ends in a clear error and nothing is saved", async () => {
    const memory = new BufferMemory();
    const agent = makeAgent({ memory, maxRetries: 0 });
    const sessionId = `stream-cut-${Date.now()}`;
    server.fault({ type: "truncated_stream" }, { match: (r) => JSON.stringify(r.body).includes("cut me off") });
    const stream = agent.streamAsync({ question: "cut me off mid-answer" }, { sessionId });
    const error = await (async () => {
      for await (const _ of stream) {
        // partials until the cut
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(/stream|truncat|ended/i);
    await expect(stream.result).rejects.toBe(error);
    expect(memory.load(sessionId).turns).toHaveLength(0);
  });

  it("a stalled stream ends in a TimeoutError within the run's timeoutMs, nothing saved", async () => {
    const memory = new BufferMemory();
    const agent = makeAgent({ memory, maxRetries: 0 });
    const sessionId = `stream-stall-${Date.now()}`;
    server.fault({ type: "stall" }, { match: (r) => JSON.stringify(r.body).includes("stall the stream") });
    const started = performance.now();
    const error = await agent
      .streamAsync({ question: "stall the stream" }, { sessionId, timeoutMs: 300 })
      .result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(memory.load(sessionId).turns).toHaveLength(0);
  });
});
