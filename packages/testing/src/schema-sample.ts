// Builds a value that is valid against a JSON Schema, deterministically, so the fake model can
// answer structured requests. Covers the subset LLM APIs accept (and a bit more); it is a test
// instrument, not a general-purpose generator.
import { hash32 } from "./fake-answer.js";

export type Schema = Record<string, unknown>;

export interface SampleContext {
  /** Text for answer-like string fields. */
  answer: string;
  /** A numeric answer (arithmetic) for answer-like number fields. */
  answerNumber?: number;
  /** The question's topic, for other string fields. */
  topic: string;
}

const ANSWER_NAMES = new Set(["answer", "response", "text", "reply", "content", "summary", "output", "result", "message"]);
const NUMERIC_ANSWER_NAMES = new Set(["answer", "result", "value", "total", "sum", "product", "quotient", "difference"]);
const CONFIDENCE_NAMES = new Set(["confidence", "score", "probability", "certainty", "likelihood"]);
const MAX_DEPTH = 8;

interface State {
  root: Schema;
  ctx: SampleContext;
  depth: number;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value valid against `schema` (as far as this generator understands it). */
export function sampleFromSchema(schema: unknown, ctx: SampleContext): unknown {
  const root = isSchema(schema) ? schema : {};
  return sample(root, { root, ctx, depth: 0 }, undefined, 0);
}

function resolveRef(ref: string, root: Schema): Schema | undefined {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isSchema(node)) return undefined;
    node = node[key];
  }
  return isSchema(node) ? node : undefined;
}

/** Follows `$ref` and folds `allOf` into one schema. */
function normalise(schema: Schema, state: State, seen = 0): Schema {
  let current = schema;
  if (typeof current.$ref === "string" && seen < 32) {
    const target = resolveRef(current.$ref, state.root);
    const { $ref: _ignored, ...rest } = current;
    current = target ? normalise({ ...target, ...rest }, state, seen + 1) : rest;
  }
  if (Array.isArray(current.allOf)) {
    const { allOf, ...rest } = current;
    let merged: Schema = { ...rest };
    for (const part of allOf) {
      if (!isSchema(part)) continue;
      const p = normalise(part, state, seen + 1);
      merged = {
        ...p,
        ...merged,
        properties: {
          ...(isSchema(p.properties) ? p.properties : {}),
          ...(isSchema(merged.properties) ? merged.properties : {}),
        },
        required: [
          ...new Set([
            ...(Array.isArray(p.required) ? p.required : []),
            ...(Array.isArray(merged.required) ? merged.required : []),
          ]),
        ],
      };
    }
    current = merged;
  }
  return current;
}

function pickType(schema: Schema): string {
  const t = schema.type;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) {
    const nonNull = t.find((x) => typeof x === "string" && x !== "null");
    return typeof nonNull === "string" ? nonNull : "null";
  }
  if (isSchema(schema.properties) || schema.additionalProperties !== undefined || Array.isArray(schema.required)) return "object";
  if (schema.items !== undefined || Array.isArray(schema.prefixItems)) return "array";
  if (schema.minimum !== undefined || schema.maximum !== undefined || schema.multipleOf !== undefined) return "number";
  return "string";
}

function sample(input: Schema, state: State, name: string | undefined, variant: number): unknown {
  const schema = normalise(input, state);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[variant % schema.enum.length];
  const branches = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (branches && branches.length > 0) {
    const { anyOf: _a, oneOf: _o, ...base } = schema;
    // Prefer a branch that is not just null: a real model fills in a value when it can.
    const chosen =
      branches.find(
        (b) => isSchema(b) && !(b.type === "null" || (Array.isArray(b.type) && b.type.length === 1 && b.type[0] === "null")),
      ) ?? branches[0];
    return sample({ ...base, ...(isSchema(chosen) ? chosen : {}) }, state, name, variant);
  }
  const inner: State = { ...state, depth: state.depth + 1 };
  switch (pickType(schema)) {
    case "null":
      return null;
    case "boolean":
      return true;
    case "integer":
      return sampleNumber(schema, name, true, state.ctx, variant);
    case "number":
      return sampleNumber(schema, name, false, state.ctx, variant);
    case "array":
      return sampleArray(schema, inner, name);
    case "object":
      return sampleObject(schema, inner);
    default:
      return sampleString(schema, name, state.ctx, variant);
  }
}

function sampleObject(schema: Schema, state: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : [],
  );
  const deep = state.depth > MAX_DEPTH;
  for (const [key, sub] of Object.entries(properties)) {
    // Deep in a recursive schema only what is required, so the answer stays finite.
    if (deep && !required.has(key)) continue;
    out[key] = sample(isSchema(sub) ? sub : {}, state, key, 0);
  }
  for (const key of required) {
    if (!(key in out)) {
      const extra = schema.additionalProperties;
      out[key] = sample(isSchema(extra) ? extra : {}, state, key, 0);
    }
  }
  const minProps = typeof schema.minProperties === "number" ? schema.minProperties : 0;
  const extra = schema.additionalProperties;
  const hasDeclared = Object.keys(properties).length > 0;
  const wantsRecord = !hasDeclared && isSchema(extra);
  let i = 0;
  while ((Object.keys(out).length < minProps || (wantsRecord && i === 0 && !deep)) && extra !== false && i < 64) {
    const key = i === 0 ? "key" : `key${i + 1}`;
    if (!(key in out)) out[key] = sample(isSchema(extra) ? extra : {}, state, key, i);
    i++;
  }
  return out;
}

function sampleArray(schema: Schema, state: State, name: string | undefined): unknown[] {
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
  const items = schema.items;
  const minItems = typeof schema.minItems === "number" ? schema.minItems : 0;
  const maxItems = typeof schema.maxItems === "number" ? schema.maxItems : Number.POSITIVE_INFINITY;
  const deep = state.depth > MAX_DEPTH;
  const out: unknown[] = [];
  for (const sub of prefix) {
    if (out.length >= maxItems) break;
    out.push(sample(isSchema(sub) ? sub : {}, state, name, out.length));
  }
  const itemSchema = isSchema(items) ? items : items === false ? undefined : {};
  // One item by default (an empty list looks like a broken answer); more only when required.
  const target = Math.min(maxItems, Math.max(minItems, deep ? 0 : prefix.length + 1));
  while (itemSchema && out.length < target) out.push(sample(itemSchema, state, singular(name), out.length));
  if (schema.uniqueItems === true) return dedupe(out, itemSchema, state, name, target);
  return out;
}

function dedupe(
  values: unknown[],
  itemSchema: Schema | undefined,
  state: State,
  name: string | undefined,
  target: number,
): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  let variant = values.length;
  for (let value of values) {
    let tries = 0;
    while (seen.has(JSON.stringify(value)) && itemSchema && tries++ < 16)
      value = sample(itemSchema, state, singular(name), variant++);
    const key = JSON.stringify(value);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(value);
  }
  return out.length >= Math.min(target, 1) ? out : values.slice(0, 1);
}

function singular(name: string | undefined): string | undefined {
  if (!name) return undefined;
  return name.endsWith("s") && name.length > 3 ? name.slice(0, -1) : name;
}

function sampleNumber(schema: Schema, name: string | undefined, integer: boolean, ctx: SampleContext, variant: number): number {
  let lower = Number.NEGATIVE_INFINITY;
  let upper = Number.POSITIVE_INFINITY;
  let lowerExclusive = false;
  let upperExclusive = false;
  if (typeof schema.minimum === "number") lower = schema.minimum;
  if (typeof schema.maximum === "number") upper = schema.maximum;
  if (typeof schema.exclusiveMinimum === "number" && schema.exclusiveMinimum >= lower) {
    lower = schema.exclusiveMinimum;
    lowerExclusive = true;
  } else if (schema.exclusiveMinimum === true) lowerExclusive = true; // draft-04
  if (typeof schema.exclusiveMaximum === "number" && schema.exclusiveMaximum <= upper) {
    upper = schema.exclusiveMaximum;
    upperExclusive = true;
  } else if (schema.exclusiveMaximum === true) upperExclusive = true;

  const key = name?.toLowerCase() ?? "";
  let preferred: number;
  if (CONFIDENCE_NAMES.has(key)) preferred = 0.9;
  else if (ctx.answerNumber !== undefined && NUMERIC_ANSWER_NAMES.has(key)) preferred = ctx.answerNumber;
  else preferred = integer ? 1 + ((hash32(key) + variant) % 9) : 0.5 + ((hash32(key) + variant) % 9);
  const step = typeof schema.multipleOf === "number" && schema.multipleOf > 0 ? schema.multipleOf : integer ? 1 : undefined;

  const fits = (v: number): boolean =>
    Number.isFinite(v) &&
    (lowerExclusive ? v > lower : v >= lower) &&
    (upperExclusive ? v < upper : v <= upper) &&
    (!integer || Number.isInteger(v)) &&
    (step === undefined || isMultiple(v, step));
  const snap = (v: number): number => (step === undefined ? v : Math.round(v / step) * step);
  const candidates = [preferred, snap(preferred)];
  const lo = Number.isFinite(lower) ? lower : undefined;
  const hi = Number.isFinite(upper) ? upper : undefined;
  if (lo !== undefined && hi !== undefined) {
    candidates.push(snap(lo + (hi - lo) * 0.9), snap((lo + hi) / 2));
    if (CONFIDENCE_NAMES.has(key)) candidates.unshift(Math.min(hi, Math.max(lo, 0.9)));
  }
  if (lo !== undefined) {
    const s = step ?? (integer ? 1 : Math.max(Math.abs(lo) * 1e-9, 1e-9));
    const first = step ? Math.ceil(lo / s) * s : lo;
    candidates.push(first, first + s, lowerExclusive && !step ? lo + (hi !== undefined ? (hi - lo) / 2 : 1) : first + 2 * s);
  }
  if (hi !== undefined) {
    const s = step ?? (integer ? 1 : 1);
    const last = step ? Math.floor(hi / s) * s : hi;
    candidates.push(last, last - s);
  }
  for (const c of candidates) {
    const v = integer ? Math.round(c) : c;
    if (fits(v)) return normaliseFloat(v);
  }
  return normaliseFloat(integer ? Math.round(lo ?? hi ?? 0) : (lo ?? hi ?? 0));
}

function isMultiple(value: number, step: number): boolean {
  const q = value / step;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

function normaliseFloat(value: number): number {
  return Number.parseFloat(value.toPrecision(12));
}

const FORMAT_SAMPLES: Record<string, (seed: number) => string> = {
  "date-time": () => "2024-01-01T00:00:00Z",
  date: () => "2024-01-01",
  time: () => "12:00:00Z",
  duration: () => "P1D",
  email: () => "user@example.com",
  "idn-email": () => "user@example.com",
  uri: () => "https://example.com/",
  url: () => "https://example.com/",
  "uri-reference": () => "https://example.com/",
  iri: () => "https://example.com/",
  hostname: () => "example.com",
  "idn-hostname": () => "example.com",
  ipv4: () => "127.0.0.1",
  ipv6: () => "::1",
  uuid: (seed) => uuidFromSeed(seed),
};

function uuidFromSeed(seed: number): string {
  let hex = "";
  for (let i = 0; hex.length < 32; i++) hex += hash32(String(i), seed).toString(16).padStart(8, "0");
  const chars = hex.slice(0, 32).split("");
  chars[12] = "4";
  chars[16] = "89ab"[Number.parseInt(chars[16] ?? "0", 16) % 4] ?? "8";
  const h = chars.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function sampleString(schema: Schema, name: string | undefined, ctx: SampleContext, variant: number): string {
  const key = name?.toLowerCase() ?? "";
  const format = typeof schema.format === "string" ? FORMAT_SAMPLES[schema.format] : undefined;
  let value: string;
  if (format) value = format(hash32(`${ctx.topic}|${key}|${variant}`));
  else if (ANSWER_NAMES.has(key) || !name) value = ctx.answer;
  else if (key === "reasoning" || key === "explanation" || key === "rationale") value = `Reasoning: ${ctx.answer}`;
  else value = `${name} for ${ctx.topic}`;
  if (variant > 0 && !format) value = `${value} (${variant + 1})`;

  const pattern = typeof schema.pattern === "string" ? safeRegExp(schema.pattern) : undefined;
  if (pattern && !pattern.test(value)) {
    const generated = generateFromPattern(schema.pattern as string, variant);
    if (generated !== undefined && pattern.test(generated)) value = generated;
  }
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Number.POSITIVE_INFINITY;
  if ([...value].length > max)
    value = [...value]
      .slice(0, max)
      .join("")
      .trimEnd()
      .padEnd(Math.min(max, Math.max(min, 1)), "x")
      .slice(0, max);
  if ([...value].length < min) value = value + "x".repeat(min - [...value].length);
  return value;
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source, "u");
  } catch {
    try {
      return new RegExp(source);
    } catch {
      return undefined;
    }
  }
}

/**
 * A string matching simple patterns: literals, escapes (\d \w \s), classes, groups with
 * alternation, and quantifiers. Enough for ids and codes; anything fancier falls back.
 */
export function generateFromPattern(source: string, variant = 0): string | undefined {
  let pos = 0;
  const parseAlternation = (): string | undefined => {
    const first = parseSequence();
    while (source[pos] === "|") {
      pos++;
      parseSequence();
    }
    return first;
  };
  const parseAtom = (): string | undefined => {
    const ch = source[pos++];
    switch (ch) {
      case undefined:
        return undefined;
      case "^":
      case "$":
        return "";
      case ".":
        return "a";
      case "(": {
        if (source.startsWith("?:", pos)) pos += 2;
        else if (source[pos] === "?") return undefined;
        const inner = parseAlternation();
        if (source[pos++] !== ")") return undefined;
        return inner;
      }
      case "[": {
        const negated = source[pos] === "^";
        if (negated) pos++;
        const start = pos;
        while (pos < source.length && source[pos] !== "]") pos += source[pos] === "\\" ? 2 : 1;
        const body = source.slice(start, pos);
        pos++;
        if (negated) return body.includes("a") ? "0" : "a";
        return firstOfClass(body, variant);
      }
      case "\\": {
        const esc = source[pos++];
        if (esc === "d") return String(variant % 10);
        if (esc === "w") return "a";
        if (esc === "s") return " ";
        if (esc === "D" || esc === "W" || esc === "S") return esc === "D" ? "a" : "-";
        return esc;
      }
      default:
        return ch;
    }
  };
  const parseSequence = (): string | undefined => {
    let out = "";
    while (pos < source.length && source[pos] !== "|" && source[pos] !== ")") {
      const atom = parseAtom();
      if (atom === undefined) return undefined;
      const q = source[pos];
      let repeat = 1;
      if (q === "*" || q === "?") {
        repeat = q === "*" ? 1 : 1;
        pos++;
      } else if (q === "+") {
        pos++;
      } else if (q === "{") {
        const end = source.indexOf("}", pos);
        const m = /^\{(\d+)(,(\d*))?\}$/.exec(source.slice(pos, end + 1));
        if (!m) return undefined;
        repeat = Math.max(Number(m[1]), m[2] && Number(m[1]) === 0 ? 1 : 0);
        if (m[3] !== undefined && m[3] !== "") repeat = Math.min(repeat, Number(m[3]));
        pos = end + 1;
      }
      if (source[pos] === "?") pos++; // lazy quantifier
      out += atom.repeat(repeat);
    }
    return out;
  };
  const result = parseAlternation();
  return pos >= source.length ? result : undefined;
}

function firstOfClass(body: string, variant: number): string {
  if (body.startsWith("\\d")) return String(variant % 10);
  if (body.startsWith("\\w")) return "a";
  const range = /^(.)-(.)/.exec(body);
  if (range && range[1] && range[2]) {
    const lo = range[1].charCodeAt(0);
    const hi = range[2].charCodeAt(0);
    return String.fromCharCode(lo + (variant % (hi - lo + 1)));
  }
  return body[0] === "\\" ? (body[1] ?? "a") : (body[0] ?? "a");
}

/**
 * A value that breaks `schema`: the first required property gets a value of the wrong type,
 * so a client's validation has something real to catch.
 */
export function violateSchema(schema: unknown, valid: unknown): unknown {
  const original = isSchema(schema) ? schema : {};
  const root = normalise(original, { root: original, ctx: { answer: "", topic: "" }, depth: 0 });
  if (valid !== null && typeof valid === "object" && !Array.isArray(valid)) {
    const obj = { ...(valid as Record<string, unknown>) };
    const required = Array.isArray(root.required) ? root.required.filter((r): r is string => typeof r === "string") : [];
    const key = required[0] ?? Object.keys(obj)[0];
    if (key === undefined) return "this is not the requested object";
    const declared = isSchema(root.properties) ? root.properties[key] : undefined;
    // An untyped property accepts anything, so only its absence breaks the schema.
    if (isSchema(declared) && Object.keys(declared).some((k) => k !== "description" && k !== "title"))
      obj[key] = wrongTypeFor(obj[key]);
    else delete obj[key];
    return obj;
  }
  return wrongTypeFor(valid);
}

function wrongTypeFor(value: unknown): unknown {
  if (typeof value === "string") return 12345;
  if (typeof value === "number") return "not a number";
  if (typeof value === "boolean") return "not a boolean";
  if (Array.isArray(value)) return "not a list";
  if (value === null) return 0;
  return "not an object";
}
