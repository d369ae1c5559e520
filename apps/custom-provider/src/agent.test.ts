import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseAgent, BaseAgentConfig, ConfigurationError, getRunInfo } from "@kaizen/core";
import { listProviders } from "@kaizen/providers";
import { startFakeLLMServerThread, type FakeLLMServerThread } from "@kaizen/testing";
import { QASignature } from "@kaizen/app-shared";
import { registerCompatProvider } from "./register.js";

let server: FakeLLMServerThread;
const agents: Array<BaseAgent<QASignature>> = [];
beforeAll(async () => {
  // run() blocks this thread until the answer is back, so the server answers from its own thread.
  server = await startFakeLLMServerThread();
  registerCompatProvider("my-compat-test");
});
afterAll(async () => {
  for (const agent of agents) await agent.close();
  await server?.close();
});

function agent(useAsyncLlm: boolean) {
  const config = new BaseAgentConfig({
    llmProvider: "my-compat-test",
    model: "gpt-4o-mini",
    baseUrl: server.openaiBaseUrl,
    apiKey: "sk-local",
    useAsyncLlm,
  });
  const a = new BaseAgent({ config, signature: new QASignature() });
  agents.push(a);
  return a;
}

describe("the registered provider, used by an agent", () => {
  it("is known by name after registerProvider", () => {
    expect(listProviders()).toContain("my-compat-test");
  });

  it("run() blocks and returns the typed result itself", () => {
    const result = agent(false).run({ question: "What is 2+2?" });
    expect(result).not.toBeInstanceOf(Promise);
    expect(result.answer).toContain("4");
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(Object.keys(result).sort()).toEqual(["answer", "confidence"]);
    expect(getRunInfo(result)?.usage.totalTokens).toBeGreaterThan(0);
  });

  it("runAsync() returns the same answer without blocking: 20 concurrent runs take a fraction of 20 latencies", async () => {
    const a = agent(true);
    expect(await a.runAsync({ question: "What is 2+2?" })).toEqual(agent(false).run({ question: "What is 2+2?" }));
    await server.setLatency(300);
    try {
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => a.runAsync({ question: `What is ${i}+1?` })));
      expect(results.map((r) => r.answer)).toEqual(
        Array.from({ length: 20 }, (_, i) => expect.stringContaining(String(i + 1)) as string),
      );
      // Loose on purpose (CI shares its cores with other test files): sequential calls take 20 latencies (6 s).
      expect(Date.now() - started).toBeLessThan(10 * 300);
    } finally {
      await server.setLatency(0);
    }
  });

  it("streamAsync() yields growing partial results, then the same result as runAsync()", async () => {
    const a = agent(true);
    const stream = a.streamAsync({ question: "What is 2+2?" });
    const answers: string[] = [];
    for await (const partial of stream) if (partial.answer && partial.answer !== answers.at(-1)) answers.push(partial.answer);
    const result = await stream.result;
    expect(answers.length).toBeGreaterThanOrEqual(2);
    for (const answer of answers) expect(result.answer.startsWith(answer)).toBe(true);
    expect(result).toEqual(await a.runAsync({ question: "What is 2+2?" }));
  });

  it("runAsync() on an agent without useAsyncLlm rejects with the seed's ConfigurationError", async () => {
    await expect(agent(false).runAsync({ question: "hi" })).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("without a baseUrl the provider says what to set", () => {
    const saved = process.env["COMPAT_BASE_URL"];
    delete process.env["COMPAT_BASE_URL"];
    try {
      expect(
        () =>
          new BaseAgent({
            config: new BaseAgentConfig({ llmProvider: "my-compat-test", model: "m" }),
            signature: new QASignature(),
          }),
      ).toThrow(/needs baseUrl/);
    } finally {
      if (saved !== undefined) process.env["COMPAT_BASE_URL"] = saved;
    }
  });
});

describe("the demo (README command)", () => {
  it("prints the run(), runAsync() and streamAsync() answers", () => {
    const appDir = fileURLToPath(new URL("../", import.meta.url));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TSX_TSCONFIG_PATH: fileURLToPath(new URL("../../tsconfig.source-paths.json", import.meta.url)),
    };
    delete env["COMPAT_BASE_URL"];
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts", "What is 7*6?"], {
      cwd: appDir,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^run\(\): +\{"answer":"[^"]*42[^"]*","confidence":[\d.]+\}$/m);
    expect(run.stdout).toMatch(/^runAsync\(\): \{"answer":"[^"]*42[^"]*","confidence":[\d.]+\}$/m);
    expect(run.stdout).toMatch(/^streamAsync\(\): \d+ partial results, then \{"answer":"[^"]*42/m);
    expect(run.stderr).toContain("fake LLM server");
  }, 60_000);
});

describe("the demo against an endpoint that is down", () => {
  it("prints one clear line naming COMPAT_BASE_URL, no stack trace, and exits 1", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const appDir = fileURLToPath(new URL("../", import.meta.url));
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts", "What is 7*6?"], {
      cwd: appDir,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: fileURLToPath(new URL("../../tsconfig.source-paths.json", import.meta.url)),
        COMPAT_BASE_URL: `http://127.0.0.1:${port}/v1`,
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.split("\n").filter((line) => line.trim() !== "");
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[custom-provider\] /);
    expect(lines[0]).toContain(`COMPAT_BASE_URL=http://127.0.0.1:${port}/v1`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});
