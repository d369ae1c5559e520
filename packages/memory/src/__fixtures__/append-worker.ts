// A child process for the multi-process tests; runs the real backends through tsx.
//   node --import tsx append-worker.ts <backend> <options-json> <session-id> <count> <burst|loop>
// burst: prints "ready", waits for "go <epoch ms>" on stdin and then for that moment (so both
//        children start together), makes <count> concurrent appends, prints
//        "done {seqs, startedAt, finishedAt}" and exits.
// loop:  appends one turn after another forever, printing "ack <seq>" after each append returned.
import { createInterface } from "node:readline";
import { PostgresMemory } from "../postgres-memory.js";
import { RedisMemory } from "../redis-memory.js";
import { SqliteMemory } from "../sqlite-memory.js";
import type { Memory } from "../types.js";

const [backend, optionsJson = "{}", sessionId = "s", countText = "100", mode = "burst"] = process.argv.slice(2);
const options = JSON.parse(optionsJson) as Record<string, unknown>;
const memory: Memory =
  backend === "sqlite" ? new SqliteMemory(options) : backend === "redis" ? new RedisMemory(options) : new PostgresMemory(options);
const count = Number(countText);
const label = String(process.pid);

async function burst(): Promise<void> {
  // Connect (and migrate) before "ready", so both children start their appends together.
  await memory.loadAsync(sessionId);
  process.stdout.write("ready\n");
  const lines = createInterface({ input: process.stdin });
  let startAt = Date.now();
  for await (const line of lines) {
    if (line.startsWith("go")) {
      startAt = Number(line.slice(2).trim() || Date.now());
      break;
    }
  }
  lines.close();
  while (Date.now() < startAt) await new Promise((r) => setTimeout(r, Math.min(5, startAt - Date.now())));
  const startedAt = Date.now();
  // 100 concurrent callers, arriving over ~200 ms as real requests would, so the two processes overlap.
  const turns = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 2));
      return memory.appendAsync(sessionId, { inputs: { worker: label, i }, outputs: { ok: true } });
    }),
  );
  process.stdout.write(`done ${JSON.stringify({ seqs: turns.map((t) => t.seq), startedAt, finishedAt: Date.now() })}\n`);
  await memory.close();
}

async function loop(): Promise<void> {
  process.stdout.write("ready\n");
  for (let i = 0; ; i++) {
    const turn = await memory.appendAsync(sessionId, {
      inputs: { worker: label, i, pad: "x".repeat(200) },
      outputs: { ok: true },
    });
    process.stdout.write(`ack ${turn.seq}\n`);
  }
}

await (mode === "loop" ? loop() : burst());
