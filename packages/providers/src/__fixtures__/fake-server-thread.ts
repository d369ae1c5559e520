// The test-side handle of fake-server-worker.ts: the same controls as FakeLLMServer, async.
import { Worker } from "node:worker_threads";
import type { FakeFault, RecordedRequest } from "@kaizen/testing";

export interface ThreadedFakeServer {
  url: string;
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  fault(fault: FakeFault, times?: number): Promise<void>;
  reply(content: string | object, times?: number): Promise<void>;
  setLatency(ms: number): Promise<void>;
  requests(): Promise<RecordedRequest[]>;
  clearRequests(): Promise<void>;
  resetScript(): Promise<void>;
  close(): Promise<void>;
}

export async function startThreadedFakeServer(): Promise<ThreadedFakeServer> {
  const worker = new Worker(new URL("./fake-server-boot.mjs", import.meta.url));
  const ready = await new Promise<{ url: string; openaiBaseUrl: string; anthropicBaseUrl: string }>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", resolve);
  });
  let nextId = 1;
  const pending = new Map<number, (value: unknown) => void>();
  worker.on("message", (message: { id?: number; value?: unknown }) => {
    if (message.id !== undefined) {
      pending.get(message.id)?.(message.value);
      pending.delete(message.id);
    }
  });
  const send = <T>(message: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (value: unknown) => void);
      worker.postMessage({ ...message, id });
    });
  return {
    ...ready,
    fault: (fault, times) => send({ op: "fault", fault, times }),
    reply: (content, times) => send({ op: "reply", content, times }),
    setLatency: (ms) => send({ op: "setLatency", ms }),
    requests: () => send({ op: "requests" }),
    clearRequests: () => send({ op: "clearRequests" }),
    resetScript: () => send({ op: "resetScript" }),
    close: async () => {
      await send({ op: "close" });
      await worker.terminate();
    },
  };
}
