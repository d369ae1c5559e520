import { describe, expect, it } from "vitest";
import { FlatPartialObject } from "./flat-partial.js";

function feed(pieces: string[]): { partials: string[]; value: Record<string, unknown> } {
  const p = new FlatPartialObject();
  const partials: string[] = [];
  for (const piece of pieces) if (p.push(piece)) partials.push(JSON.stringify(p.value));
  return { partials, value: p.value };
}

describe("FlatPartialObject", () => {
  it("builds the object as the pieces arrive, a string field growing", () => {
    const { partials, value } = feed(['{"answ', 'er":"1', " +", " 1", '","confi', "dence", '":0.', "9}"]);
    expect(partials).toEqual([
      '{"answer":"1"}',
      '{"answer":"1 +"}',
      '{"answer":"1 + 1"}',
      '{"answer":"1 + 1","confidence":0}',
      '{"answer":"1 + 1","confidence":0.9}',
    ]);
    expect(value).toEqual({ answer: "1 + 1", confidence: 0.9 });
  });

  it("decodes escapes split across pieces, and reads literals and spaces", () => {
    const text = JSON.stringify({ a: 'say "hi"\n\u00e9\\', b: true, c: null, d: -1.5e3 }, null, 1);
    const pieces = text.match(/[\s\S]{1,3}/g) ?? [];
    const { value } = feed(pieces);
    expect(value).toEqual(JSON.parse(text));
    expect(feed(['{"a":"\\u00', 'e9"}']).value).toEqual({ a: "é" });
  });

  it("refuses what is not a flat object", () => {
    expect(() => feed(["[1]"])).toThrow(SyntaxError);
    expect(() => feed(['{"a" 1}'])).toThrow(SyntaxError);
    expect(() => feed(['{"a":1} x'])).toThrow(SyntaxError);
  });
});
