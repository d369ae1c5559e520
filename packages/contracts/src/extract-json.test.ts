import { describe, expect, it } from "vitest";
import { extractJson } from "./extract-json.js";

describe("extractJson", () => {
  it("parses the whole text first", () => {
    expect(extractJson(' {"a":1} ')).toEqual({ candidates: [{ a: 1 }] });
    expect(extractJson("[1,2]")).toEqual({ candidates: [[1, 2]] });
  });

  it("takes fenced blocks, then balanced spans, in order, without duplicates", () => {
    const text = 'First ```json\n{"a":1}\n``` then {"b":2} and again {"a":1}';
    expect(extractJson(text).candidates).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("handles fences with a language and extra info, and ~~~-free text", () => {
    expect(extractJson('```JSON title="x"\n{"a":1}\n```').candidates).toEqual([{ a: 1 }]);
  });

  it("skips braces inside strings and escaped quotes", () => {
    expect(extractJson('say {"t":"a \\" } {","n":1} ok').candidates).toEqual([{ t: 'a " } {', n: 1 }]);
  });

  it("looks inside a span that does not parse", () => {
    expect(extractJson('{note: {"a":1}}').candidates).toEqual([{ a: 1 }]);
  });

  it("explains why nothing was found", () => {
    expect(extractJson("   ").problem).toBe("the response is empty");
    expect(extractJson("no json here").problem).toBe("the response contains no JSON object");
    expect(extractJson('{"a": 1,}').problem).toMatch(/^the JSON is not valid \(.+ in "\{\\"a\\": 1,\}"\)$/);
    expect(extractJson('text {"a": "unterminated').problem).toBe("the JSON object is never closed (the response looks cut off)");
  });

  it("stays fast on pathological input", () => {
    const started = Date.now();
    extractJson("{".repeat(200_000));
    extractJson('{"a":'.repeat(50_000));
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("takes [...] spans in prose only when asked, in text order with {...} spans", () => {
    const text = 'The list: [1, {"a":2}] and {"b":3}';
    expect(extractJson(text).candidates).toEqual([{ a: 2 }, { b: 3 }]);
    expect(extractJson(text, { arrays: true }).candidates).toEqual([[1, { a: 2 }], { b: 3 }]);
    expect(extractJson("see [link] then [1]", { arrays: true }).candidates).toEqual([[1]]);
    expect(extractJson("no json [here]").problem).toBe("the response contains no JSON object");
  });

  it("strips a byte-order mark before parsing", () => {
    expect(extractJson('\uFEFF{"a":1}').candidates).toEqual([{ a: 1 }]);
  });
});
