import { describe, expect, it } from "vitest";
import { AuthenticationError } from "@kaizen/contracts";
import { ASYNC_MODE_MESSAGE, BaseAgent, BaseAgentConfig, getRunInfo } from "./index.js";
import type { BatchProgress } from "./index.js";
import { LocalMemory, LocalProvider, QASignature, lastUser } from "./__fixtures__/local.js";

const config = new BaseAgentConfig({ model: "local-model", useAsyncLlm: true });

describe("batchAsync (local provider)", () => {
  it("settles every item in input order; one failure never loses the others", async () => {
    const provider = new LocalProvider((request) => {
      if (lastUser(request).includes("question 7")) throw new AuthenticationError("bad key", { provider: "local", status: 401 });
      return { answer: lastUser(request), confidence: 0.5 };
    }, 5);
    const agent = new BaseAgent({ config, signature: new QASignature(), provider });
    const progress: BatchProgress[] = [];
    const inputs = Array.from({ length: 20 }, (_, i) => ({ question: `question ${i}` }));
    const results = await agent.batchAsync(inputs, { concurrency: 4, onProgress: (p) => progress.push(p) });
    expect(results).toHaveLength(20);
    results.forEach((result, i) => {
      if (i === 7) {
        expect(result.status).toBe("rejected");
        expect(result.status === "rejected" && result.reason).toBeInstanceOf(AuthenticationError);
      } else {
        expect(result.status).toBe("fulfilled");
        expect(result.status === "fulfilled" && result.value.answer).toContain(`question ${i}`);
        expect(result.status === "fulfilled" && getRunInfo(result.value)?.attempts).toBe(1);
      }
    });
    expect(progress).toHaveLength(20);
    expect(progress.at(-1)).toEqual({ done: 20, total: 20, failed: 1 });
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("keeps at most `concurrency` runs in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const provider = new LocalProvider();
    const slow = {
      ...provider,
      name: "slow",
      chatAsync: async (request: Parameters<LocalProvider["chatAsync"]>[0]) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return provider.respond(request);
      },
    };
    const agent = new BaseAgent({ config, signature: new QASignature(), provider: slow });
    await agent.batchAsync(
      Array.from({ length: 30 }, (_, i) => ({ question: `q${i}` })),
      { concurrency: 3 },
    );
    expect(peak).toBe(3);
  });

  it("an abort settles the items not yet started as AbortError; the finished ones keep their values", async () => {
    const controller = new AbortController();
    const provider = new LocalProvider(undefined, 5);
    const agent = new BaseAgent({ config, signature: new QASignature(), provider });
    const results = await agent.batchAsync(
      Array.from({ length: 10 }, (_, i) => ({ question: `q${i}` })),
      {
        concurrency: 2,
        signal: controller.signal,
        onProgress: ({ done }) => {
          if (done === 2) controller.abort();
        },
      },
    );
    expect(results.slice(0, 2).map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(results.slice(4).every((r) => r.status === "rejected" && (r.reason as Error).name === "AbortError")).toBe(true);
  });

  it("per-item sessions, a throwing onProgress reported, not fatal", async () => {
    const memory = new LocalMemory();
    const reported: unknown[] = [];
    const agent = new BaseAgent({
      config,
      signature: new QASignature(),
      provider: new LocalProvider(),
      memory,
      onHookError: (error) => void reported.push(error),
    });
    const results = await agent.batchAsync([{ question: "a" }, { question: "b" }], {
      sessionId: (_inputs, i) => `batch-${i}`,
      onProgress: () => {
        throw new Error("progress bar crashed");
      },
    });
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    expect([...memory.sessions.keys()].sort()).toEqual(["batch-0", "batch-1"]);
    expect(reported).toHaveLength(2);
  });

  it("rejects the whole batch when the agent is not in async mode, or concurrency is invalid", async () => {
    const sync = new BaseAgent({
      config: new BaseAgentConfig({ model: "m" }),
      signature: new QASignature(),
      provider: new LocalProvider(),
    });
    await expect(sync.batchAsync([{ question: "a" }])).rejects.toThrow(ASYNC_MODE_MESSAGE);
    const agent = new BaseAgent({ config, signature: new QASignature(), provider: new LocalProvider() });
    await expect(agent.batchAsync([{ question: "a" }], { concurrency: 0 })).rejects.toMatchObject({ field: "concurrency" });
    await expect(agent.batchAsync([])).resolves.toEqual([]);
  });
});
