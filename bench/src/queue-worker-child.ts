// One @kaizen/queue worker process of the queue pass: the bench's Kaizen agent (retries left to
// the queue, as the queue's README says) behind `queue.work()`. The fake LLM's latency comes per
// request (x-fake-latency-ms), so the shared server's own setting stays at 0 for the others.
import { BaseAgent, BaseAgentConfig } from "@kaizen/core";
import { KaizenQueue, type KaizenQueueOptions } from "@kaizen/queue";
import { QASignature } from "./agent.js";
import { reportFatal, send, type Message } from "./child-process.js";
import { API_KEY, MODEL } from "./workload.js";

interface Start {
  queue: KaizenQueueOptions;
  concurrency: number;
  baseUrl: string;
  latencyMs: number;
}

async function main(start: Start): Promise<void> {
  const agent = new BaseAgent({
    config: new BaseAgentConfig({
      llmProvider: "openai",
      model: MODEL,
      apiKey: API_KEY,
      baseUrl: start.baseUrl,
      useAsyncLlm: true,
      structuredOutput: "json_schema",
      maxRetries: 0,
      providerOptions: { defaultHeaders: { "x-fake-latency-ms": String(start.latencyMs) } },
    }),
    signature: new QASignature(),
  });
  const queue = new KaizenQueue(start.queue);
  await queue.work(agent, { concurrency: start.concurrency });
  process.on("message", (m: Message) => {
    if (m.type === "cpu") send({ type: "cpu", usage: process.cpuUsage() });
  });
  // The parent going away ends the worker: running items finish, then the connection closes.
  process.once("disconnect", () => {
    void queue
      .close()
      .then(() => agent.close())
      .finally(() => process.exit(0));
  });
  send({ type: "ready" });
}

process.once("message", (m: Message) => {
  main(m as unknown as Start).catch(reportFatal);
});
