// The worker half of the raw sync bridge: the async `openai` call runs here while the calling
// thread sleeps in Atomics.wait. Only the message content crosses back.
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { createRawClient, rawContent } from "./raw-openai.js";

interface Data {
  baseURL: string;
  port: MessagePort;
  flag: SharedArrayBuffer;
}

const { baseURL, port, flag } = workerData as Data;
const signal = new Int32Array(flag);
const client = createRawClient(baseURL);

port.on("message", (i: number) => {
  rawContent(client, i)
    .then(
      (content) => port.postMessage({ ok: true, content }),
      (err: unknown) => port.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) }),
    )
    .finally(() => {
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
});
parentPort?.postMessage("ready");
