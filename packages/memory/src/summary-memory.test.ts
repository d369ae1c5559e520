import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { isolatedStores } from "./__fixtures__/isolated-stores.js";
import { describe, expect, it } from "vitest";
import {
  BufferMemory,
  MemoryError,
  MemoryOptionsError,
  PostgresMemory,
  RedisMemory,
  SqliteMemory,
  SummaryMemory,
} from "./index.js";
import type { Memory, Summarize, Turn } from "./index.js";

const { dir, redisPrefix, pgTable } = isolatedStores("summary");

const turn = (i: number) => ({ inputs: { question: `q${i}` }, outputs: { answer: `a${i}` } });

/** A summary that lists the seqs it covers, so tests can see every turn folded exactly once, in order. */
const listSeqs: Summarize = (turns, previous) => [previous, ...turns.map((t) => String(t.seq))].filter(Boolean).join(",");

const stores: Array<[string, () => Memory]> = [
  ["buffer", () => new BufferMemory()],
  ["sqlite", () => new SqliteMemory({ path: join(dir, "stores.db") })],
  ["redis", () => new RedisMemory({ keyPrefix: redisPrefix })],
  ["postgres", () => new PostgresMemory({ table: pgTable })],
];

describe.each(stores)("SummaryMemory over %s", (_name, makeStore) => {
  it("keeps the last N turns and folds older ones into the summary through the function", async () => {
    const calls: Array<{ seqs: number[]; previous: string | undefined }> = [];
    const memory = new SummaryMemory({
      store: makeStore(),
      keepLast: 3,
      summarize: async (turns, previous) => {
        calls.push({ seqs: turns.map((t) => t.seq), previous });
        return listSeqs(turns, previous, { sessionId: "" });
      },
    });
    const id = `sum-${randomUUID()}`;
    try {
      for (let i = 1; i <= 3; i++) await memory.appendAsync(id, turn(i));
      expect(calls).toEqual([]);
      expect(await memory.loadAsync(id)).toEqual({ turns: expect.any(Array) as Turn[] });
      for (let i = 4; i <= 7; i++) await memory.appendAsync(id, turn(i));
      expect(calls).toEqual([
        { seqs: [1], previous: undefined },
        { seqs: [2], previous: "1" },
        { seqs: [3], previous: "1,2" },
        { seqs: [4], previous: "1,2,3" },
      ]);
      const context = await memory.loadAsync(id);
      expect(context.summary).toBe("1,2,3,4");
      expect(context.turns.map((t) => t.seq)).toEqual([5, 6, 7]);
      expect(context.turns[0]?.inputs).toEqual({ question: "q5" });
      expect((await memory.loadAsync(id, { maxTurns: 1 })).turns.map((t) => t.seq)).toEqual([7]);
      // The store itself reports the summary too.
      expect((await memory.store.loadAsync(id)).summary).toBe("1,2,3,4");
      await memory.clearAsync(id);
      expect(await memory.loadAsync(id)).toEqual({ turns: [] });
    } finally {
      await memory.close();
    }
  });

  it("persists the summary in the store: a new instance over the same store sees it", async () => {
    const id = `persist-${randomUUID()}`;
    const first = new SummaryMemory({ store: makeStore(), keepLast: 2, summarize: listSeqs });
    for (let i = 1; i <= 5; i++) await first.appendAsync(id, turn(i));
    await first.close();
    const second = new SummaryMemory({ store: makeStore(), keepLast: 2, summarize: listSeqs });
    try {
      const context = await second.loadAsync(id);
      if (_name === "buffer") {
        expect(context).toEqual({ turns: [] }); // in-process: a new BufferMemory starts empty
      } else {
        expect(context.summary).toBe("1,2,3");
        expect(context.turns.map((t) => t.seq)).toEqual([4, 5]);
      }
    } finally {
      await second.close();
    }
  });

  it("folds every turn exactly once, in order, under 40 concurrent appends", async () => {
    const memory = new SummaryMemory({
      store: makeStore(),
      keepLast: 5,
      summarize: async (turns, previous) => {
        await new Promise((r) => setTimeout(r, 2));
        return listSeqs(turns, previous, { sessionId: "" });
      },
    });
    const id = `conc-${randomUUID()}`;
    try {
      await Promise.all(Array.from({ length: 40 }, (_, i) => memory.appendAsync(id, turn(i))));
      const context = await memory.loadAsync(id);
      expect(context.summary?.split(",").map(Number)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
      expect(context.turns.map((t) => t.seq)).toEqual([36, 37, 38, 39, 40]);
    } finally {
      await memory.close();
    }
  });
});

describe("SummaryMemory", () => {
  it("offers the sync API over a sync store with a sync summarize (e.g. one calling agent.run())", async () => {
    const memory = new SummaryMemory({ store: new BufferMemory(), keepLast: 2, summarize: listSeqs });
    expect(typeof memory.append).toBe("function");
    for (let i = 1; i <= 4; i++) memory.append!("sync", turn(i));
    expect(memory.load!("sync")).toMatchObject({ summary: "1,2", turns: [{ seq: 3 }, { seq: 4 }] });
    expect(await memory.loadAsync("sync")).toEqual(memory.load!("sync"));
    memory.clear!("sync");
    expect(memory.load!("sync")).toEqual({ turns: [] });
    await memory.close();
  });

  it("has no sync API when summarize is an async function or the store is async only", async () => {
    const withAsync = new SummaryMemory({ store: new BufferMemory(), keepLast: 2, summarize: async () => "s" });
    expect(withAsync.append).toBeUndefined();
    expect(withAsync.load).toBeUndefined();
    const overRedis = new SummaryMemory({
      store: new RedisMemory({ keyPrefix: redisPrefix }),
      keepLast: 2,
      summarize: () => "s",
    });
    expect(overRedis.load).toBeUndefined();
    await withAsync.close();
    await overRedis.close();
  });

  it("keeps the turn when summarize fails, says so, and retries the fold on the next append", async () => {
    let fail = true;
    const memory = new SummaryMemory({
      store: new BufferMemory(),
      keepLast: 1,
      summarize: (turns, previous) => {
        if (fail) throw new Error("model unavailable");
        return listSeqs(turns, previous, { sessionId: "" });
      },
    });
    await memory.appendAsync("f", turn(1));
    const err = await memory.appendAsync("f", turn(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemoryError);
    expect((err as MemoryError).code).toBe("summarize_failed");
    expect((err as Error).message).toMatch(/Turn 2 .* was stored.*model unavailable/);
    expect((await memory.store.loadAsync("f")).turns.map((t) => t.seq)).toEqual([1, 2]);
    fail = false;
    await memory.appendAsync("f", turn(3));
    expect(await memory.loadAsync("f")).toMatchObject({ summary: "1,2", turns: [{ seq: 3 }] });
    await memory.close();
  });

  it("reports fold failures to onSummarizeError instead, when given", async () => {
    const errors: MemoryError[] = [];
    const memory = new SummaryMemory({
      store: new BufferMemory(),
      keepLast: 1,
      summarize: () => {
        throw new Error("boom");
      },
      onSummarizeError: (e) => errors.push(e),
    });
    await memory.appendAsync("e", turn(1));
    const stored = await memory.appendAsync("e", turn(2));
    expect(stored.seq).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe("summarize_failed");
    await memory.close();
  });

  it("counts the summary against maxTokens", async () => {
    const memory = new SummaryMemory({ store: new BufferMemory(), keepLast: 10, summarize: () => "x".repeat(400) });
    for (let i = 1; i <= 12; i++) await memory.appendAsync("tok", turn(i));
    const all = await memory.loadAsync("tok");
    expect(all.turns).toHaveLength(10);
    const limited = await memory.loadAsync("tok", { maxTokens: 100 + 30 });
    expect(limited.summary).toBe("x".repeat(400));
    // 100 tokens go to the summary; each turn is ~12 tokens, so two fit in the 30 left.
    expect(limited.turns.map((t) => t.seq)).toEqual([11, 12]);
    await memory.close();
  });

  it("rejects a store without summary storage, and bad options, naming the field", () => {
    const bare: Memory = {
      kind: "bare",
      loadAsync: async () => ({ turns: [] }),
      appendAsync: async () => {
        throw new Error("unused");
      },
      clearAsync: async () => undefined,
      close: async () => undefined,
    };
    expect(() => new SummaryMemory({ store: bare, keepLast: 2, summarize: listSeqs })).toThrow(/loadSummaryAsync/);
    expect(() => new SummaryMemory({ store: new BufferMemory(), keepLast: 0, summarize: listSeqs })).toThrow(MemoryOptionsError);
    expect(() => new SummaryMemory({ store: new BufferMemory(), keepLast: 2, summarize: "no" as unknown as Summarize })).toThrow(
      /summarize/,
    );
  });
});
