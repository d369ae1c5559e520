#!/usr/bin/env node
// The demo: register the provider written in compat-provider.ts, then use it through an agent
// with the blocking run(), the non-blocking runAsync() and streamAsync(). See README.md.
import { BaseAgent, BaseAgentConfig, getRunInfo } from "@kaizen/core";
import { QASignature, loadDotEnv, startFakeLLM, userCwd, type RunningFakeLLM } from "@kaizen/app-shared";
import { registerCompatProvider } from "./register.js";

loadDotEnv(userCwd());
registerCompatProvider("my-compat");

let fake: RunningFakeLLM | undefined;
let baseUrl = process.env["COMPAT_BASE_URL"];
if (!baseUrl) {
  // run() blocks this thread while it waits, so the stand-in server answers from a worker thread.
  fake = await startFakeLLM({ inWorker: true });
  baseUrl = fake.openaiBaseUrl;
  console.error(`no COMPAT_BASE_URL set: using the fake LLM server at ${fake.url} (not a real model)`);
}
const model = process.env["MODEL"] ?? "gpt-4o-mini";
const question =
  process.argv
    .slice(2)
    .filter((a) => a !== "--")
    .join(" ") || "What is 2+2?";

const common = { llmProvider: "my-compat", model, baseUrl, temperature: 0.7, maxTokens: 500 } as const;
const syncAgent = new BaseAgent({ config: new BaseAgentConfig(common), signature: new QASignature() });
const asyncAgent = new BaseAgent({ config: new BaseAgentConfig({ ...common, useAsyncLlm: true }), signature: new QASignature() });

try {
  const blocking = syncAgent.run({ question });
  console.log(`run():      ${JSON.stringify(blocking)}`);
  const awaited = await asyncAgent.runAsync({ question });
  console.log(`runAsync(): ${JSON.stringify(awaited)}`);
  const stream = asyncAgent.streamAsync({ question });
  let partials = 0;
  for await (const partial of stream) {
    void partial; // a UI would render each one
    partials++;
  }
  console.log(`streamAsync(): ${partials} partial results, then ${JSON.stringify(await stream.result)}`);
  const info = getRunInfo(awaited);
  if (info)
    console.log(`provider my-compat, model ${info.model}, ${info.usage.totalTokens} tokens, ${Math.round(info.latencyMs)} ms`);
} catch (err) {
  // A person reads this, usually because the endpoint is down: one line, no stack trace.
  process.exitCode = 1;
  const message = err instanceof Error ? err.message : String(err);
  const fix = process.env["COMPAT_BASE_URL"]
    ? ` Fix: start the endpoint at COMPAT_BASE_URL=${baseUrl}, point COMPAT_BASE_URL at one that is up, or unset it to use the fake LLM server.`
    : "";
  console.error(`[custom-provider] ${message}${fix}`);
} finally {
  await syncAgent.close();
  await asyncAgent.close();
  await fake?.close();
}
