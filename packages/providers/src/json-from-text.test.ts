import { describe, expect, it } from "vitest";
import { parseJsonFromText } from "./json-from-text.js";

describe("parseJsonFromText", () => {
  it("parses plain JSON of any kind", () => {
    expect(parseJsonFromText('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonFromText(" [1, 2] ")).toEqual([1, 2]);
    expect(parseJsonFromText('"text"')).toBe("text");
  });

  it("reads an object or an array out of a code fence or prose, ignoring text after it", () => {
    expect(parseJsonFromText('Sure! ```json\n{"a": [1, 2]}\n```')).toEqual({ a: [1, 2] });
    expect(parseJsonFromText('Here it is: {"a": 1}. Anything else?')).toEqual({ a: 1 });
    expect(parseJsonFromText("The ids: [3, 4] as asked.")).toEqual([3, 4]);
  });

  it("looks inside a span that does not parse (the shared extractor's rule)", () => {
    expect(parseJsonFromText('{note: {"a":1}}')).toEqual({ a: 1 });
  });

  it("returns undefined when no complete value is there", () => {
    expect(parseJsonFromText("no json here")).toBeUndefined();
    expect(parseJsonFromText('cut off: {"a": "unterminated')).toBeUndefined();
    expect(parseJsonFromText("")).toBeUndefined();
  });
});
