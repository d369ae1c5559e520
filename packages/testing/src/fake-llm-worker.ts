// Worker-thread entry of startFakeLLMServerThread: runs the fake server off the caller's thread,
// so code that blocks its own thread (a sync `chat()` in Atomics.wait) still gets answers.
import { parentPort, workerData } from "node:worker_threads";
import { startFakeLLMServer } from "./fake-llm-server.js";
import type { FakeFault, FakeFinish, FakeLLMServerOptions, FakeToolCall } from "./fake-llm-types.js";

export type ThreadControl =
  | { id: number; op: "fault"; fault: FakeFault; times?: number; path?: string }
  | { id: number; op: "reply"; content: string | object; times?: number; path?: string }
  | { id: number; op: "finish"; finish: FakeFinish; times?: number; path?: string }
  | { id: number; op: "toolCalls"; calls: FakeToolCall[]; times?: number; path?: string }
  | { id: number; op: "setLatency"; ms: number }
  | { id: number; op: "setStreamChunkDelay"; ms: number }
  | { id: number; op: "requests" }
  | { id: number; op: "clearRequests" }
  | { id: number; op: "resetScript" }
  | { id: number; op: "close" };

const port = parentPort;
if (port) {
  const server = await startFakeLLMServer(workerData as FakeLLMServerOptions);
  port.postMessage({ ready: true, url: server.url, port: server.port });
  port.on("message", (message: ThreadControl) => {
    const done = (value?: unknown): void => port.postMessage({ id: message.id, value });
    const opts = (m: { times?: number; path?: string }) => ({
      ...(m.times === undefined ? {} : { times: m.times }),
      ...(m.path === undefined ? {} : { match: (r: { path: string }) => r.path === m.path }),
    });
    switch (message.op) {
      case "fault":
        server.fault(message.fault, opts(message));
        return done();
      case "reply":
        server.reply(message.content, opts(message));
        return done();
      case "finish":
        server.finish(message.finish, opts(message));
        return done();
      case "toolCalls":
        return done(server.toolCalls(message.calls, opts(message)));
      case "setLatency":
        server.setLatency(message.ms);
        return done();
      case "setStreamChunkDelay":
        server.setStreamChunkDelay(message.ms);
        return done();
      case "requests":
        return done(server.requests);
      case "clearRequests":
        server.clearRequests();
        return done();
      case "resetScript":
        server.resetScript();
        return done();
      case "close":
        server.close().then(
          () => {
            done();
            port.close();
          },
          () => done(),
        );
        return;
    }
  });
}
