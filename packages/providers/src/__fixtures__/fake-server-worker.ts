// Runs @kaizen/testing's fake LLM server on a worker thread (loaded through tsx). The sync path
// blocks the test's own thread in Atomics.wait, so a server living on that thread could never
// answer; this one keeps answering. Control calls arrive as messages.
import { parentPort } from "node:worker_threads";
import { startFakeLLMServer } from "../../../testing/src/index.js";
import type { FakeFault } from "../../../testing/src/index.js";

type Control =
  | { id: number; op: "fault"; fault: FakeFault; times?: number }
  | { id: number; op: "reply"; content: string | object; times?: number }
  | { id: number; op: "setLatency"; ms: number }
  | { id: number; op: "requests" }
  | { id: number; op: "clearRequests" }
  | { id: number; op: "resetScript" }
  | { id: number; op: "close" };

const port = parentPort;
if (!port) throw new Error("fake-server-worker must run on a worker thread");
const server = await startFakeLLMServer();
port.postMessage({ ready: true, url: server.url, openaiBaseUrl: server.openaiBaseUrl, anthropicBaseUrl: server.anthropicBaseUrl });

port.on("message", (message: Control) => {
  const done = (value?: unknown) => port.postMessage({ id: message.id, value });
  switch (message.op) {
    case "fault":
      server.fault(message.fault, message.times === undefined ? {} : { times: message.times });
      return done();
    case "reply":
      server.reply(message.content, message.times === undefined ? {} : { times: message.times });
      return done();
    case "setLatency":
      server.setLatency(message.ms);
      return done();
    case "requests":
      return done(JSON.parse(JSON.stringify(server.requests)));
    case "clearRequests":
      server.clearRequests();
      return done();
    case "resetScript":
      server.resetScript();
      return done();
    case "close":
      void server.close().then(() => {
        done();
        process.exit(0);
      });
      return;
  }
});
