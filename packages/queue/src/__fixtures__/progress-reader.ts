// Reads one batch's progress from its own process and prints it as one JSON line.
import { KaizenQueue } from "../index.js";
import type { KaizenQueueOptions } from "../index.js";

const [optionsJson = "{}", batchId = ""] = process.argv.slice(2);
const queue = new KaizenQueue(JSON.parse(optionsJson) as KaizenQueueOptions);
try {
  process.stdout.write(`${JSON.stringify(await queue.progress(batchId))}\n`);
} finally {
  await queue.close();
}
