// The floor for run(): the smallest honest blocking call a user could write by hand around the
// raw SDK (a worker thread does the I/O, the caller blocks in Atomics.wait). run()'s overhead
// beyond this is what Kaizen adds; this bridge's own cost is what any blocking call pays.
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import { once } from "node:events";
import { pathToFileURL } from "node:url";
import { entryFile } from "./child-process.js";
import { checkAnswer, type Answer } from "./workload.js";

export interface RawSyncClient {
  call(i: number): Answer;
  close(): Promise<void>;
}

export async function createRawSyncClient(baseURL: string): Promise<RawSyncClient> {
  const { port1, port2 } = new MessageChannel();
  const flag = new SharedArrayBuffer(4);
  const signal = new Int32Array(flag);
  const file = entryFile("raw-sync-worker");
  const options = { workerData: { baseURL, port: port2, flag }, transferList: [port2] };
  // From source (the smoke test) the worker registers tsx itself: `--import` does not reach workers.
  const worker = file.endsWith(".ts")
    ? new Worker(
        `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); });`,
        { ...options, eval: true },
      )
    : new Worker(file, options);
  await once(worker, "message");
  return {
    call(i) {
      Atomics.store(signal, 0, 0);
      port1.postMessage(i);
      Atomics.wait(signal, 0, 0);
      const reply = receiveMessageOnPort(port1)?.message as { ok: boolean; content?: string; message?: string } | undefined;
      if (!reply) throw new Error("raw sync bridge: the worker woke the caller without a reply");
      if (!reply.ok) throw new Error(reply.message);
      return checkAnswer(JSON.parse(reply.content ?? ""));
    },
    async close() {
      port1.close();
      await worker.terminate();
    },
  };
}
