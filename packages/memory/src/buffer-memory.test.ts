import { describe, expect, it } from "vitest";
import { BufferMemory, MemoryClosedError, MemoryOptionsError } from "./index.js";

describe("BufferMemory", () => {
  it("hands out copies: mutating a returned turn or the appended object changes nothing stored", () => {
    const memory = new BufferMemory();
    const inputs = { q: "original" };
    const turn = memory.append("copy", { inputs, outputs: { a: 1 } });
    inputs.q = "changed";
    turn.outputs["a"] = 2;
    memory.load("copy").turns[0]!.inputs["q"] = "changed again";
    expect(memory.load("copy").turns[0]).toMatchObject({ inputs: { q: "original" }, outputs: { a: 1 } });
  });

  it("stores what JSON can hold, like the database backends (a Date becomes a string)", () => {
    const memory = new BufferMemory();
    const when = new Date("2026-01-02T03:04:05.000Z");
    memory.append("json", { inputs: { when, gone: undefined }, outputs: {} });
    expect(memory.load("json").turns[0]?.inputs).toEqual({ when: "2026-01-02T03:04:05.000Z" });
  });

  it("validates its options and refuses calls after close", async () => {
    expect(() => new BufferMemory({ maxTurns: -1 })).toThrow(MemoryOptionsError);
    expect(() => new BufferMemory({ ttlMs: 0 })).toThrow(/ttlMs/);
    const memory = new BufferMemory();
    await memory.close();
    expect(() => memory.append("x", { inputs: {}, outputs: {} })).toThrow(MemoryClosedError);
  });
});
