// BaseAgentConfig's options as one zod 4 strict object: each field carries its own message (naming
// the field, the value it got and the fix), unknown keys get a "did you mean", and the issues are
// turned into one ConfigProblem per field, in the order the fields are declared.
import { z } from "zod";
import type { StructuredOutputMode } from "@kaizen/contracts";
import { listProviders } from "@kaizen/providers";
import type { BaseAgentConfigOptions } from "./config.js";

/** How the agent asks for structured output: `auto` lets the provider pick the best its API supports. */
export type StructuredOutputSetting = "auto" | StructuredOutputMode;

/** What a failing hook does to the run: `report` it and carry on (default), or `throw` it. */
export type HookErrorPolicy = "report" | "throw";

/**
 * What a cut-off answer (the model hit maxTokens before finishing) does to the run: `throw` an
 * OutputTruncatedError (default), or `retry-with-more`: ask again with twice the budget, up to
 * `maxTokensCeiling`.
 */
export type TruncationPolicy = "throw" | "retry-with-more";

/** One thing wrong with a configuration. */
export interface ConfigProblem {
  field: string;
  message: string;
}

const STRUCTURED_OUTPUT_SETTINGS = [
  "auto",
  "json_schema",
  "tool",
  "json_object",
  "prompt",
] as const satisfies readonly StructuredOutputSetting[];
const HOOK_ERROR_POLICIES = ["report", "throw"] as const satisfies readonly HookErrorPolicy[];
const TRUNCATION_POLICIES = ["throw", "retry-with-more"] as const satisfies readonly TruncationPolicy[];

/** A field's message, from the value it was given. */
type Message = (value: unknown) => string;

/** zod's per-check error option, answering every issue of the field with its one message. */
const says = (message: Message) => ({ error: (issue: { input?: unknown }) => message(issue.input) });

const isInteger = (value: number): boolean => Number.isInteger(value);

/** An optional number from `min` to `max` (integers only with `integer`); NaN and Infinity never pass. */
function numberField(message: Message, range: { min?: number; above?: number; max?: number; integer?: boolean }) {
  let schema = z.number(says(message));
  if (range.min !== undefined) schema = schema.min(range.min, says(message));
  if (range.above !== undefined) schema = schema.gt(range.above, says(message));
  if (range.max !== undefined) schema = schema.max(range.max, says(message));
  // Number.isInteger rather than z.int(): the same values as ever, unsafe integers included.
  if (range.integer === true) schema = schema.refine(isInteger, says(message));
  return schema.optional();
}

const booleanField = (message: Message) => z.boolean(says(message)).optional();

const providersList = (): string => listProviders().join(", ");

const providerNameMessage: Message = (v) =>
  `llmProvider must be a provider name; got ${describe(v)}. Known providers: ${providersList()}.`;

// Checked against the registry when a config is built: providers registered later count.
const llmProvider = z
  .string(says(providerNameMessage))
  .refine((name) => name.trim() !== "", says(providerNameMessage))
  .refine(
    (name) => name.trim() === "" || listProviders().includes(name),
    says(
      (v) =>
        `llmProvider "${String(v)}" is not a known provider. Known providers: ${providersList()}. ` +
        `Fix: use one of them, or call registerProvider("${String(v)}", factory) from @kaizen/providers first.`,
    ),
  )
  .optional();

const modelMessage: Message = (v) =>
  v === undefined || v === null || v === ""
    ? `model is required: pass the model name, e.g. new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o" }).`
    : `model must be a model name string, e.g. model: "gpt-4o"; got ${describe(v)}.`;

/** The options' shape; its key order is the order problems are reported in. */
const OPTIONS_SHAPE = {
  llmProvider,
  model: z.string(says(modelMessage)).refine((name) => name.trim() !== "", says(modelMessage)),
  temperature: numberField(
    (v) => `temperature must be a number from 0 to 2; got ${describe(v)}. Fix: e.g. temperature: 0.7, or leave it out.`,
    { min: 0, max: 2 },
  ),
  maxTokens: numberField(
    (v) =>
      `maxTokens must be a positive integer; got ${describe(v)}. Fix: e.g. maxTokens: 500, or leave it out for the model's default.`,
    { above: 0, integer: true },
  ),
  topP: numberField((v) => `topP must be a number from 0 to 1; got ${describe(v)}. Fix: e.g. topP: 0.9, or leave it out.`, {
    min: 0,
    max: 1,
  }),
  useAsyncLlm: booleanField(
    (v) =>
      `useAsyncLlm must be a boolean (true or false); got ${describe(v)}. ` +
      `Fix: useAsyncLlm: true to enable runAsync(), or leave it out (default false) for run() only.`,
  ),
  // The value itself is never echoed: it may be a real key put in the wrong place.
  apiKey: z
    .string(says(apiKeyMessage))
    .refine((key) => key !== "", says(apiKeyMessage))
    .optional(),
  baseUrl: z.string(says(baseUrlMessage)).refine(isHttpUrl, says(baseUrlMessage)).optional(),
  // A refine, not z.custom: a failed z.custom aborts the object, so the rules between fields would not run.
  providerOptions: z
    .unknown()
    .refine(
      isPlainObject,
      says(
        (v) =>
          `providerOptions must be a plain object; got ${describe(v)}. Fix: e.g. providerOptions: { organization: "org-..." }.`,
      ),
    )
    .optional(),
  timeoutMs: numberField(
    (v) =>
      `timeoutMs must be a positive number of milliseconds; got ${describe(v)}. Fix: e.g. timeoutMs: 30_000, or leave it out.`,
    { above: 0 },
  ),
  maxRetries: numberField(
    (v) => `maxRetries must be an integer of 0 or more; got ${describe(v)}. Fix: e.g. maxRetries: 2, or 0 to never retry.`,
    { min: 0, integer: true },
  ),
  structuredOutput: z
    .enum(
      STRUCTURED_OUTPUT_SETTINGS,
      says(
        (v) =>
          `structuredOutput must be one of ${STRUCTURED_OUTPUT_SETTINGS.map((s) => `"${s}"`).join(", ")}; got ${describe(v)}. Fix: leave it out for "auto".`,
      ),
    )
    .optional(),
  maxReasks: numberField(
    (v) =>
      `maxReasks must be an integer of 0 or more; got ${describe(v)}. Fix: e.g. maxReasks: 1 (the default), or 0 to never re-ask.`,
    { min: 0, integer: true },
  ),
  memoryMaxTurns: numberField(
    (v) =>
      `memoryMaxTurns must be a positive integer; got ${describe(v)}. Fix: e.g. memoryMaxTurns: 20, or leave it out to load every turn the memory keeps.`,
    { above: 0, integer: true },
  ),
  memoryMaxTokens: numberField(
    (v) =>
      `memoryMaxTokens must be a positive integer; got ${describe(v)}. Fix: e.g. memoryMaxTokens: 4000, or leave it out for no token bound on the loaded turns.`,
    { above: 0, integer: true },
  ),
  hookErrors: z
    .enum(
      HOOK_ERROR_POLICIES,
      says((v) => `hookErrors must be "report" or "throw"; got ${describe(v)}. Fix: leave it out for "report".`),
    )
    .optional(),
  onTruncated: z
    .enum(
      TRUNCATION_POLICIES,
      says((v) => `onTruncated must be "throw" or "retry-with-more"; got ${describe(v)}. Fix: leave it out for "throw".`),
    )
    .optional(),
  maxTokensCeiling: numberField(
    (v) =>
      `maxTokensCeiling must be a positive integer; got ${describe(v)}. Fix: e.g. maxTokensCeiling: 8000, the most output tokens a retry of a cut-off answer may ask for.`,
    { above: 0, integer: true },
  ),
  recordContent: booleanField(
    (v) =>
      `recordContent must be a boolean (true or false); got ${describe(v)}. ` +
      `Fix: recordContent: true to put prompt and answer text on the OpenTelemetry spans, or leave it out (default false).`,
  ),
  maxCycles: numberField(
    (v) =>
      `maxCycles must be an integer from 1 to 100; got ${describe(v)}. Fix: e.g. maxCycles: 5 (the default): the most model -> tools rounds per run.`,
    { min: 1, max: 100, integer: true },
  ),
  toolConcurrency: numberField(
    (v) =>
      `toolConcurrency must be a positive integer; got ${describe(v)}. Fix: e.g. toolConcurrency: 4 (the default), or 1 to run one tool call at a time.`,
    { min: 1, integer: true },
  ),
  toolTimeoutMs: numberField(
    (v) =>
      `toolTimeoutMs must be a positive number of milliseconds; got ${describe(v)}. Fix: e.g. toolTimeoutMs: 10_000, or leave it out.`,
    { above: 0 },
  ),
} satisfies Record<keyof BaseAgentConfigOptions, z.ZodType>; // every option has a rule, every rule an option

/** Every option BaseAgentConfig takes, in declaration order. */
export const KNOWN_OPTIONS = Object.keys(OPTIONS_SHAPE) as readonly (keyof typeof OPTIONS_SHAPE)[];

// The rules between fields. `when` runs them even when some field is invalid, so every problem
// is reported at once; they read the raw input and stand aside when a field they need is bad.
const OPTIONS_SCHEMA = z
  .strictObject(OPTIONS_SHAPE)
  .refine((o) => !(o.onTruncated === "retry-with-more" && o.maxTokensCeiling === undefined), {
    path: ["maxTokensCeiling"],
    error: `onTruncated "retry-with-more" needs maxTokensCeiling, the most output tokens a retry may ask for. Fix: e.g. maxTokensCeiling: 8000.`,
    when: () => true,
  })
  .refine((o) => !ceilingBelowMaxTokens(o), {
    path: ["maxTokensCeiling"],
    error: (issue) => {
      const o = issue.input as Record<string, unknown>;
      return `maxTokensCeiling (${String(o.maxTokensCeiling)}) is below maxTokens (${String(o.maxTokens)}), so no retry could ask for more. Fix: raise maxTokensCeiling above maxTokens.`;
    },
    when: () => true,
  });

function ceilingBelowMaxTokens(o: { maxTokensCeiling?: unknown; maxTokens?: unknown }): boolean {
  const { maxTokensCeiling: ceiling, maxTokens } = o;
  return (
    typeof ceiling === "number" &&
    Number.isInteger(ceiling) &&
    ceiling > 0 &&
    typeof maxTokens === "number" &&
    Number.isInteger(maxTokens) &&
    ceiling < maxTokens
  );
}

/** Every problem with a set of options, each naming the field and the fix. Empty when valid. */
export function validateConfigOptions(options: unknown): ConfigProblem[] {
  // A class instance or an array is not options, even where zod would read its keys.
  if (!isPlainObject(options)) {
    return [
      {
        field: "options",
        message: `BaseAgentConfig takes an options object; got ${describe(options)}. Fix: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o" }).`,
      },
    ];
  }
  const parsed = OPTIONS_SCHEMA.safeParse(options);
  if (parsed.success) return [];
  const unknown: ConfigProblem[] = [];
  const byField = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) unknown.push({ field: key, message: unknownOptionMessage(key) });
      continue;
    }
    const field = String(issue.path[0] ?? "options");
    // One problem per field: the first rule it broke (a value can break several, e.g. -0.5).
    if (!byField.has(field)) byField.set(field, issue.message);
  }
  const known = KNOWN_OPTIONS.filter((field) => byField.has(field)).map((field) => ({ field, message: byField.get(field)! }));
  return [...unknown, ...known];
}

function unknownOptionMessage(key: string): string {
  const suggestion = suggestOption(key);
  return suggestion
    ? `Unknown option "${key}". Did you mean "${suggestion}"?`
    : `Unknown option "${key}". Known options: ${KNOWN_OPTIONS.join(", ")}.`;
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}

/** The known option an unknown one most likely meant: the same name in another case or spelling (snake_case), or one within two edits. */
function suggestOption(unknown: string): string | undefined {
  const wanted = normaliseName(unknown);
  return (
    KNOWN_OPTIONS.find((known) => normaliseName(known) === wanted) ??
    KNOWN_OPTIONS.find((k) => editDistance(normaliseName(k), wanted) <= 2)
  );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function apiKeyMessage(value: unknown): string {
  return `apiKey must be a non-empty string; got a ${value === null ? "null" : typeof value}. Fix: apiKey: process.env.OPENAI_API_KEY, or leave it out to use the provider's environment variable.`;
}

function baseUrlMessage(value: unknown): string {
  return `baseUrl must be an absolute http(s) URL; got ${describe(value)}. Fix: e.g. baseUrl: "http://127.0.0.1:8787/v1", or leave it out for the provider's default.`;
}

function describe(value: unknown): string {
  if (typeof value === "string") return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)} (string)`;
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${String(value)} (${typeof value})`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
