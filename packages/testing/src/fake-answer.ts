// The fake model's "intelligence": deterministic text derived from the question, with simple
// arithmetic answered correctly so demos read sensibly ("What is 2+2?" -> "2 + 2 = 4").

const WORD_OPERATORS: Array<[RegExp, string]> = [
  [/\bmultiplied\s+by\b/gi, "*"],
  [/\btimes\b/gi, "*"],
  [/\bdivided\s+by\b/gi, "/"],
  [/\bover\b/gi, "/"],
  [/\bplus\b/gi, "+"],
  [/\bminus\b/gi, "-"],
  [/×/g, "*"],
  [/÷/g, "/"],
  [/(\d)\s*[xX]\s*(?=\d)/g, "$1*"],
];

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const EXPRESSION = new RegExp(String.raw`\(?\s*-?${NUMBER}\s*\)?(?:\s*[-+*/]\s*\(?\s*-?${NUMBER}\s*\)?)+`, "g");

/** Evaluates + - * / and parentheses over numbers. Returns undefined for anything else. */
export function evaluateArithmetic(expression: string): number | undefined {
  const matched = expression.match(/\d+(?:\.\d+)?|[-+*/()]/g);
  if (!matched) return undefined;
  const tokens: string[] = matched;
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const parsePrimary = (): number | undefined => {
    const token = tokens[pos++];
    if (token === undefined) return undefined;
    if (token === "-") {
      const value = parsePrimary();
      return value === undefined ? undefined : -value;
    }
    if (token === "(") {
      const value = parseSum();
      if (tokens[pos++] !== ")") return undefined;
      return value;
    }
    const value = Number(token);
    return Number.isFinite(value) ? value : undefined;
  };
  const parseProduct = (): number | undefined => {
    let left = parsePrimary();
    while (left !== undefined && (peek() === "*" || peek() === "/")) {
      const op = tokens[pos++];
      const right = parsePrimary();
      if (right === undefined) return undefined;
      left = op === "*" ? left * right : left / right;
    }
    return left;
  };
  function parseSum(): number | undefined {
    let left = parseProduct();
    while (left !== undefined && (peek() === "+" || peek() === "-")) {
      const op = tokens[pos++];
      const right = parseProduct();
      if (right === undefined) return undefined;
      left = op === "+" ? left + right : left - right;
    }
    return left;
  }
  const result = parseSum();
  if (result === undefined || pos !== tokens.length || !Number.isFinite(result)) return undefined;
  return result;
}

/** Rounds away float noise: 0.1 + 0.2 reads as 0.3. */
export function formatNumber(value: number): string {
  return String(Number.parseFloat(value.toPrecision(12)));
}

export interface ArithmeticResult {
  expression: string;
  value: number;
}

/** Finds the longest arithmetic expression in the text and evaluates it. */
export function findArithmetic(text: string): ArithmeticResult | undefined {
  if (!/\d/.test(text)) return undefined;
  let normalised = text;
  for (const [pattern, replacement] of WORD_OPERATORS) normalised = normalised.replace(pattern, replacement);
  let best: ArithmeticResult | undefined;
  for (const match of normalised.matchAll(EXPRESSION)) {
    const raw = match[0];
    // Dates and version numbers ("2024-01-02") are not sums.
    if (/^\d{4}-\d{2}-\d{2}/.test(raw.trim())) continue;
    const balanced = balanceParentheses(raw.trim());
    const value = evaluateArithmetic(balanced);
    if (value === undefined) continue;
    const expression = balanced
      .replace(/\s+/g, "")
      .replace(/([-+*/])/g, " $1 ")
      .replace(/\(\s/g, "(")
      .replace(/\s\)/g, ")")
      .trim();
    if (!best || expression.length > best.expression.length) best = { expression, value };
  }
  return best;
}

function balanceParentheses(text: string): string {
  let out = text;
  while (out.startsWith("(") && count(out, "(") > count(out, ")")) out = out.slice(1).trim();
  while (out.endsWith(")") && count(out, ")") > count(out, "(")) out = out.slice(0, -1).trim();
  return out;
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

/** A 32-bit FNV-1a hash: cheap, stable across runs and platforms. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The question a prompt is about: the last non-empty line of the last user message, trimmed. */
export function extractTopic(question: string): string {
  const lines = question
    .split(/\r?\n/)
    .map((line) => line.trim())
    // Field labels ("User question:", or "An image the question is about (image):" before an
    // image part) are not the question.
    .filter((line) => line.length > 0 && !/^[#>*-]*\s*[\w ]{1,40}(?:\s*\([\w.]+\))?:$/.test(line));
  let topic = (lines[lines.length - 1] ?? question).replace(/\s+/g, " ").trim();
  topic = topic
    .replace(/^[{["']+|[}\]"']+$/g, "")
    .replace(/[?.!:;,]+$/, "")
    .trim();
  if (topic.length > 80) topic = `${topic.slice(0, 77).trimEnd()}...`;
  return topic || "your question";
}

const TEMPLATES = [
  (topic: string) => `Here is a short answer about ${topic}.`,
  (topic: string) => `In short: ${topic} comes down to a few key points.`,
  (topic: string) => `A brief answer on ${topic}: it depends on the details, but the basics are clear.`,
  (topic: string) => `Regarding ${topic}, the short version is that it works as expected.`,
];

export interface Answer {
  text: string;
  /** The arithmetic result when the question was a sum, for numeric output fields. */
  number?: number;
  topic: string;
}

/** The fake model's answer to a question. Same question, same answer. */
export function answerQuestion(question: string): Answer {
  const topic = extractTopic(question);
  const arithmetic = findArithmetic(question);
  if (arithmetic) {
    return { text: `${arithmetic.expression} = ${formatNumber(arithmetic.value)}`, number: arithmetic.value, topic };
  }
  if (!question.trim()) return { text: "Hello! How can I help you today?", topic };
  const template = TEMPLATES[hash32(topic) % TEMPLATES.length] ?? TEMPLATES[0]!;
  return { text: template(topic), topic };
}
