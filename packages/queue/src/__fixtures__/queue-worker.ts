// A worker process of the tests: one KaizenQueue worker running a real BaseAgent (real OpenAI SDK)
// against the test's fake LLM server. Configured by argv[2] (JSON); prints "ready" once it takes
// items, closes on SIGTERM.
import { BaseAgent, BaseAgentConfig } from "@kaizen/core";
import { KaizenQueue } from "../index.js";
import type { KaizenQueueOptions, WorkOptions } from "../index.js";
import { QASignature } from "./qa-signature.js";
import type { QAInputs, QAOutputs } from "./qa-signature.js";

interface WorkerArgs {
  queue: KaizenQueueOptions;
  work: WorkOptions;
  baseUrl: string;
  latencyMs: number;
  maxTokens?: number;
}

const args = JSON.parse(process.argv[2] ?? "{}") as WorkerArgs;
const agent = new BaseAgent({
  config: new BaseAgentConfig({
    llmProvider: "openai",
    model: "gpt-4o-mini",
    apiKey: "sk-fake-kaizen-queue-test-0001",
    baseUrl: args.baseUrl,
    useAsyncLlm: true,
    // The queue is the one retry authority: a 429 pauses every worker instead of one sleeping.
    maxRetries: 0,
    ...(args.maxTokens === undefined ? {} : { maxTokens: args.maxTokens }),
    providerOptions: { defaultHeaders: { "x-fake-latency-ms": String(args.latencyMs), "x-test-worker": String(process.pid) } },
  }),
  signature: new QASignature(),
});
const queue = new KaizenQueue<QAInputs, QAOutputs>(args.queue);
await queue.work(agent, args.work);
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void queue
    .close()
    .then(() => agent.close())
    .then(() => process.exit(0));
});
