import { describe, expect, it } from "vitest";
import { KaizenError } from "@kaizen/contracts";
import { CalculatorError, evaluateExpression, MAX_EXPRESSION_CHARS } from "./calculator.js";

describe("evaluateExpression", () => {
  it.each([
    ["(17 + 4) * 3", 63],
    ["2 + 3 * 4", 14],
    ["10 - 4 - 3", 3],
    ["2 ^ 10", 1024],
    ["2 ** 3 ** 2", 512],
    ["-2 ^ 2", -4],
    ["2 ^ -1", 0.5],
    ["--3", 3],
    ["7 % 4", 3],
    ["1.5e3 / .5", 3000],
    ["sqrt(16) + abs(-2)", 6],
    ["max(1, 7, 3) - min(4, 2)", 5],
    ["round(pi * 100) / 100", 3.14],
    ["floor(2.7) + ceil(2.1)", 5],
    ["  ln(e)  ", 1],
    ["log10(1000)", 3],
    ["SQRT(9)", 3],
    ["-0 * 5", 0],
  ])("%s = %d", (expression, expected) => {
    expect(evaluateExpression(expression)).toBeCloseTo(expected, 12);
  });

  it.each([
    ["", /empty/],
    ["   ", /empty/],
    ["1 / 0", /division by zero at position 2/],
    ["5 % 0", /division by zero/],
    ["2 +", /ends too early/],
    ["(1 + 2", /never closed/],
    ["1 + 2)", /unexpected "\)" at position 5/],
    ["2 3", /follows a value without an operator/],
    ["2(3)", /unexpected "\("/],
    ["1,000 + 1", /thousands separators/],
    ["3 × 4", /write \* for times/],
    ["process.exit(1)", /unexpected character "\." at position 7/],
    ["constructor(1)", /unknown name "constructor"/],
    ["__proto__", /unknown name "__proto__"/],
    ["toString(1)", /unknown name "tostring"/],
    ["eval(1)", /unknown name "eval"/],
    ["sqrt 4", /sqrt needs parentheses/],
    ["sqrt(1, 2)", /sqrt takes 1 argument\(s\), got 2/],
    ["max()", /max takes 1 to 32 argument\(s\), got 0/],
    ["sqrt(-1)", /finite number \(got NaN\)/],
    ["10 ^ 400", /finite number \(got Infinity\)/],
    ["alert`1`", /unexpected character "`"/],
    ["x + 1", /unknown name "x"/],
  ])("refuses %j", (expression, message) => {
    let thrown: unknown;
    try {
      evaluateExpression(expression);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CalculatorError);
    expect(thrown).toBeInstanceOf(KaizenError);
    expect(thrown).toMatchObject({ code: "invalid_expression", field: "expression" });
    expect((thrown as Error).message).toMatch(message);
  });

  it("names what is allowed, so a model can correct itself", () => {
    expect(() => evaluateExpression("2 $ 3")).toThrow(/Allowed: numbers, \+ - \* \/ % \^ \(or \*\*\), parentheses/);
  });

  it("refuses expressions over the length limit and nesting that would exhaust the stack", () => {
    expect(() => evaluateExpression("1+".repeat(MAX_EXPRESSION_CHARS) + "1")).toThrow(/at most 500 are accepted/);
    expect(() => evaluateExpression("(".repeat(100) + "1" + ")".repeat(100))).toThrow(/nests deeper than 64 levels/);
    expect(() => evaluateExpression("-".repeat(200) + "1")).toThrow(/nests deeper than 64 levels/);
    expect(evaluateExpression("(".repeat(30) + "1" + ")".repeat(30))).toBe(1);
  });
});
