// The fake LLM server in a process of its own: the client's CPU measurements then hold the
// client alone. The parent switches the latency between warm-up and measurement over IPC.
import { startFakeLLMServer } from "@kaizen/testing/fake-llm";
import { reportFatal, send, type Message } from "./child-process.js";

async function main(): Promise<void> {
  const server = await startFakeLLMServer({ latencyMs: 0, maxRecordedRequests: 0 });
  process.on("message", (m: Message) => {
    if (m.type === "latency") {
      server.setLatency(Number(m.ms));
      send({ type: "latency-set", ms: Number(m.ms) });
    } else if (m.type === "cpu") {
      send({ type: "cpu", usage: process.cpuUsage() });
    }
  });
  // The parent going away (normally, or by a crash) ends the server.
  process.on("disconnect", () => {
    void server.close().finally(() => process.exit(0));
  });
  send({ type: "ready", url: server.url, openaiBaseUrl: server.openaiBaseUrl });
}

main().catch(reportFatal);
