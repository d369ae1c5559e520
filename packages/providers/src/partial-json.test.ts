import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PartialJsonParser, parsePartialJson } from "./partial-json.js";

function splitAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let last = 0;
  for (const p of points) {
    parts.push(text.slice(last, p));
    last = p;
  }
  parts.push(text.slice(last));
  return parts;
}

describe("PartialJsonParser", () => {
  it("ends with JSON.parse of the whole text, however the text is split", () => {
    fc.assert(
      fc.property(fc.json(), fc.array(fc.nat(), { maxLength: 40 }), (text, cuts) => {
        const parser = new PartialJsonParser();
        for (const part of splitAt(text, cuts)) parser.push(part);
        expect(parser.end()).toBe(true);
        expect(parser.error).toBeUndefined();
        expect(parser.value).toEqual(JSON.parse(text));
      }),
      { numRuns: 400 },
    );
  });

  it("also with pretty-printed JSON split into single characters", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 2) ?? "null";
        const parser = new PartialJsonParser();
        for (const ch of text) parser.push(ch);
        parser.end();
        expect(parser.value).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  it("never goes backwards: every partial of an object is a prefix-consistent view of the final one", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
        fc.array(fc.nat(), { maxLength: 20 }),
        (obj, cuts) => {
          const text = JSON.stringify(obj);
          const parser = new PartialJsonParser();
          for (const part of splitAt(text, cuts)) {
            parser.push(part);
            const partial = parser.value as Record<string, unknown> | undefined;
            if (partial === undefined) continue;
            for (const [k, v] of Object.entries(partial)) {
              expect(Object.hasOwn(obj, k)).toBe(true);
              const full = obj[k];
              if (typeof v === "string") expect(String(full).startsWith(v)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("shows complete keys, growing strings and arrays in progress", () => {
    const parser = new PartialJsonParser();
    expect(parser.push('{"answer": "The ans')).toBe(true);
    expect(parser.value).toEqual({ answer: "The ans" });
    parser.push('wer is 4", "confidence": 0.');
    // a number shows its longest valid prefix ("0." -> 0); a key without a value is left out
    expect(parser.value).toEqual({ answer: "The answer is 4", confidence: 0 });
    parser.push('9, "pending');
    expect(parser.value).toEqual({ answer: "The answer is 4", confidence: 0.9 });
    parser.push('": ');
    parser.push('null, "tags": ["a", "b');
    expect(parser.value).toEqual({ answer: "The answer is 4", confidence: 0.9, pending: null, tags: ["a", "b"] });
    parser.push('c"], "ok": tr');
    expect(parser.value).toEqual({ answer: "The answer is 4", confidence: 0.9, pending: null, tags: ["a", "bc"] });
    parser.push('ue, "nested": {"x": [1, {"y": nu');
    expect(parser.value).toEqual({
      answer: "The answer is 4",
      confidence: 0.9,
      pending: null,
      tags: ["a", "bc"],
      ok: true,
      nested: { x: [1, {}] },
    });
    parser.push("ll}]}}");
    expect(parser.done).toBe(true);
    expect(parser.value).toEqual({
      answer: "The answer is 4",
      confidence: 0.9,
      pending: null,
      tags: ["a", "bc"],
      ok: true,
      nested: { x: [1, { y: null }] },
    });
  });

  it("reports no change for text that does not alter the partial value", () => {
    const parser = new PartialJsonParser();
    expect(parser.push('{"a": 1, "')).toBe(true);
    expect(parser.push("partial_ke")).toBe(false);
    expect(parser.push('y"  :  ')).toBe(false);
    expect(parser.push('"v')).toBe(true);
  });

  it("does not mutate a snapshot it handed out", () => {
    const parser = new PartialJsonParser();
    parser.push('{"list": [1, 2');
    const first = parser.value;
    const frozenCopy = structuredClone(first);
    parser.push(', 3], "s": "abc"}');
    expect(first).toEqual(frozenCopy);
    expect(parser.value).toEqual({ list: [1, 2, 3], s: "abc" });
  });

  it("decodes escapes split across chunks", () => {
    const text = JSON.stringify({ s: 'quote " slash \\ newline \n emoji 😀 \u00e9 tab \t' });
    const parser = new PartialJsonParser();
    for (const ch of text) parser.push(ch);
    expect(parser.value).toEqual(JSON.parse(text));
  });

  it("skips a preamble such as a code fence when asked, and ignores text after the value", () => {
    expect(parsePartialJson('Sure! ```json\n{"a": [1, 2]}\n```', { skipPreamble: true })).toEqual({ a: [1, 2] });
  });

  it("stops at invalid JSON and keeps the last good partial value", () => {
    const parser = new PartialJsonParser();
    parser.push('{"a": 1, "b": x');
    expect(parser.error).toMatch(/Unexpected "x"/);
    expect(parser.value).toEqual({ a: 1 });
    expect(parser.end()).toBe(false);
  });

  it("keeps __proto__ as an own key, as JSON.parse does", () => {
    const value = parsePartialJson('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, "__proto__")).toBe(true);
  });

  it("scales linearly: a large document streamed in small chunks parses quickly", () => {
    const big = JSON.stringify({ items: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `item ${i}` })) });
    const parser = new PartialJsonParser();
    const started = performance.now();
    for (let i = 0; i < big.length; i += 16) parser.push(big.slice(i, i + 16));
    const elapsed = performance.now() - started;
    expect(parser.done).toBe(true);
    expect((parser.value as { items: unknown[] }).items).toHaveLength(20_000);
    // Loose bound: a parser that re-parsed from scratch per chunk would take minutes here.
    expect(elapsed).toBeLessThan(5_000);
  });
});

describe("PartialJsonParser change reports", () => {
  it("does not report a change when a visible value merely completes", () => {
    const parser = new PartialJsonParser();
    expect(parser.push('{"answer": "4')).toBe(true);
    expect(parser.push('"')).toBe(false);
    expect(parser.push(', "n": 12')).toBe(true);
    expect(parser.push(" ")).toBe(false);
    expect(parser.push("}")).toBe(false);
    expect(parser.done).toBe(true);
    expect(parser.value).toEqual({ answer: "4", n: 12 });
  });

  it("reports a literal once it is complete", () => {
    const parser = new PartialJsonParser();
    parser.push('{"ok": tr');
    expect(parser.push("ue")).toBe(true);
    expect(parser.value).toEqual({ ok: true });
  });
});

describe("PartialJsonParser change reports (property)", () => {
  it("push() returns true exactly when the visible value changed", () => {
    fc.assert(
      fc.property(fc.json(), fc.array(fc.nat(), { maxLength: 30 }), (text, cuts) => {
        const parser = new PartialJsonParser();
        let previous = JSON.stringify(parser.value);
        for (const part of splitAt(text, cuts)) {
          const changed = parser.push(part);
          const now = JSON.stringify(parser.value);
          expect(changed).toBe(now !== previous);
          previous = now;
        }
      }),
      { numRuns: 300 },
    );
  });
});
