// A safe arithmetic evaluator for the calculator tool: a small recursive-descent parser over a
// fixed grammar, so text from a model can never reach eval(), Function() or any property lookup.
import { KaizenError } from "@kaizen/contracts";

/** The longest expression accepted: a model's arithmetic, not a program. */
export const MAX_EXPRESSION_CHARS = 500;
/** Deeper nesting than this is refused, so a hostile input cannot exhaust the stack. */
const MAX_DEPTH = 64;

/** An expression the calculator refuses; the message says where and what is allowed, for the model to fix it. */
export class CalculatorError extends KaizenError {
  /** The tool input at fault. */
  readonly field = "expression";
  /** 0-based character offset of the problem, when there is one. */
  readonly position: number | undefined;
  constructor(message: string, position?: number) {
    super("invalid_expression", message);
    this.position = position;
  }
}

const FUNCTIONS: Readonly<Record<string, { arity: [number, number]; apply: (...args: number[]) => number }>> = {
  sqrt: { arity: [1, 1], apply: Math.sqrt },
  abs: { arity: [1, 1], apply: Math.abs },
  round: { arity: [1, 1], apply: Math.round },
  floor: { arity: [1, 1], apply: Math.floor },
  ceil: { arity: [1, 1], apply: Math.ceil },
  ln: { arity: [1, 1], apply: Math.log },
  log10: { arity: [1, 1], apply: Math.log10 },
  sin: { arity: [1, 1], apply: Math.sin },
  cos: { arity: [1, 1], apply: Math.cos },
  tan: { arity: [1, 1], apply: Math.tan },
  min: { arity: [1, 32], apply: Math.min },
  max: { arity: [1, 32], apply: Math.max },
};
const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

const ALLOWED =
  "numbers, + - * / % ^ (or **), parentheses, the constants pi and e, and the functions " + Object.keys(FUNCTIONS).join(", ");

type Token =
  | { kind: "number"; value: number; at: number }
  | { kind: "name"; value: string; at: number }
  | { kind: "op"; value: string; at: number }
  | { kind: "end"; at: number };

/**
 * Evaluates an arithmetic expression such as `(17 + 4) * 3` or `sqrt(2) ^ 2`. `^` and `**` are
 * powers (right-associative), `%` the remainder; `2(3)` needs its `*`. Throws a CalculatorError
 * for anything else, for division by zero and for results that are not finite numbers.
 */
export function evaluateExpression(expression: string): number {
  if (typeof expression !== "string") throw new CalculatorError('expression must be a string, e.g. "(17 + 4) * 3".');
  if (expression.trim() === "") throw new CalculatorError('expression is empty: give arithmetic such as "(17 + 4) * 3".');
  if (expression.length > MAX_EXPRESSION_CHARS) {
    throw new CalculatorError(`expression is ${expression.length} characters; at most ${MAX_EXPRESSION_CHARS} are accepted.`);
  }
  const parser = new Parser(tokenize(expression));
  const value = parser.parseAll();
  if (!Number.isFinite(value)) {
    throw new CalculatorError(`"${expression}" does not evaluate to a finite number (got ${String(value)}).`);
  }
  // -0 reads oddly in an answer and means nothing to a user.
  return Object.is(value, -0) ? 0 : value;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number) {
      tokens.push({ kind: "number", value: Number(number[0]), at: i });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (name) {
      tokens.push({ kind: "name", value: name[0].toLowerCase(), at: i });
      i += name[0].length;
      continue;
    }
    if (text.startsWith("**", i)) {
      tokens.push({ kind: "op", value: "^", at: i });
      i += 2;
      continue;
    }
    if ("+-*/%^(),".includes(ch)) {
      tokens.push({ kind: "op", value: ch, at: i });
      i++;
      continue;
    }
    const shown = ch === "×" ? " (write * for times)" : ch === "÷" ? " (write / for divided by)" : "";
    throw new CalculatorError(`unexpected character "${ch}" at position ${i}${shown}. Allowed: ${ALLOWED}.`, i);
  }
  tokens.push({ kind: "end", at: text.length });
  return tokens;
}

/** expression := term (("+" | "-") term)*; term := unary (("*" | "/" | "%") unary)*; unary := ("+" | "-") unary | power; power := atom ("^" unary)? */
class Parser {
  #pos = 0;
  #depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): number {
    const value = this.#expression();
    const next = this.#peek();
    if (next.kind !== "end") throw this.#unexpected(next);
    return value;
  }

  #peek(): Token {
    return this.tokens[this.#pos]!;
  }
  #next(): Token {
    return this.tokens[this.#pos++]!;
  }
  #isOp(value: string): boolean {
    const t = this.#peek();
    return t.kind === "op" && t.value === value;
  }
  #unexpected(t: Token): CalculatorError {
    if (t.kind === "end") return new CalculatorError(`the expression ends too early (at position ${t.at}).`, t.at);
    if (t.kind === "number") {
      return new CalculatorError(`a number at position ${t.at} follows a value without an operator (write * for times).`, t.at);
    }
    // "1,000" is the likeliest way a comma lands outside a function call.
    const hint = t.kind === "op" && t.value === "," ? " (write numbers without thousands separators)" : "";
    return new CalculatorError(`unexpected "${t.value}" at position ${t.at}${hint}. Allowed: ${ALLOWED}.`, t.at);
  }
  #nested<T>(at: number, f: () => T): T {
    if (++this.#depth > MAX_DEPTH) throw new CalculatorError(`the expression nests deeper than ${MAX_DEPTH} levels.`, at);
    try {
      return f();
    } finally {
      this.#depth--;
    }
  }

  #expression(): number {
    let value = this.#term();
    while (this.#isOp("+") || this.#isOp("-")) {
      const op = this.#next();
      const right = this.#term();
      value = op.kind === "op" && op.value === "+" ? value + right : value - right;
    }
    return value;
  }

  #term(): number {
    let value = this.#unary();
    while (this.#isOp("*") || this.#isOp("/") || this.#isOp("%")) {
      const op = this.#next() as Extract<Token, { kind: "op" }>;
      const right = this.#unary();
      if ((op.value === "/" || op.value === "%") && right === 0) {
        throw new CalculatorError(`division by zero at position ${op.at}.`, op.at);
      }
      value = op.value === "*" ? value * right : op.value === "/" ? value / right : value % right;
    }
    return value;
  }

  #unary(): number {
    const t = this.#peek();
    if (t.kind === "op" && (t.value === "-" || t.value === "+")) {
      this.#next();
      const operand = this.#nested(t.at, () => this.#unary());
      return t.value === "-" ? -operand : operand;
    }
    return this.#power();
  }

  #power(): number {
    const base = this.#atom();
    if (!this.#isOp("^")) return base;
    const op = this.#next();
    // Right-associative, and binding tighter than a unary minus on its left: -2^2 is -4, 2^-1 is 0.5.
    const exponent = this.#nested(op.at, () => this.#unary());
    return base ** exponent;
  }

  #atom(): number {
    const t = this.#next();
    if (t.kind === "number") return t.value;
    if (t.kind === "op" && t.value === "(") {
      const value = this.#nested(t.at, () => this.#expression());
      if (!this.#isOp(")")) throw new CalculatorError(`a "(" at position ${t.at} is never closed.`, t.at);
      this.#next();
      return value;
    }
    if (t.kind === "name") {
      if (Object.hasOwn(CONSTANTS, t.value) && !this.#isOp("(")) return CONSTANTS[t.value]!;
      if (!Object.hasOwn(FUNCTIONS, t.value)) {
        throw new CalculatorError(`unknown name "${t.value}" at position ${t.at}. Allowed: ${ALLOWED}.`, t.at);
      }
      const fn = FUNCTIONS[t.value]!;
      if (!this.#isOp("(")) throw new CalculatorError(`${t.value} needs parentheses, e.g. ${t.value}(2).`, t.at);
      this.#next();
      const args = this.#isOp(")") ? [] : this.#nested(t.at, () => this.#arguments());
      if (!this.#isOp(")")) throw new CalculatorError(`${t.value}( at position ${t.at} is never closed.`, t.at);
      this.#next();
      const [least, most] = fn.arity;
      if (args.length < least || args.length > most) {
        const wanted = least === most ? `${least}` : `${least} to ${most}`;
        throw new CalculatorError(`${t.value} takes ${wanted} argument(s), got ${args.length}.`, t.at);
      }
      return fn.apply(...args);
    }
    throw this.#unexpected(t);
  }

  #arguments(): number[] {
    const args = [this.#expression()];
    while (this.#isOp(",")) {
      this.#next();
      args.push(this.#expression());
    }
    return args;
  }
}
