import { ConfigurationError } from "@kaizen/contracts";
import type { StructuredOutputMode } from "@kaizen/contracts";
import { listProviders } from "@kaizen/providers";
import { withModelString } from "./model-string.js";

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

export interface BaseAgentConfigOptions {
  /** A registered provider name (see `listProviders()` from @kaizen/providers). Default "openai". */
  llmProvider?: string;
  /** The model name, e.g. "gpt-4o". Required. */
  model: string;
  /** 0 to 2. */
  temperature?: number;
  /** A positive integer: the most output tokens per answer. */
  maxTokens?: number;
  /** 0 to 1. */
  topP?: number;
  /** Must be true for `runAsync`, `batchAsync` and `streamAsync`. Default false, as in Kaizen for Python. */
  useAsyncLlm?: boolean;
  /** Never shown by `toJSON`, `util.inspect` or any error message. */
  apiKey?: string;
  /** An absolute http(s) URL, e.g. an OpenAI-compatible endpoint's ".../v1". */
  baseUrl?: string;
  /** Passed to the provider factory as they are (e.g. `organization`, `defaultHeaders`, `prices`). */
  providerOptions?: Record<string, unknown>;
  /** The default time budget of one run, retries and re-asks included. */
  timeoutMs?: number;
  /** Provider retries of one call (429, 5xx, network). Default: the provider's (2). */
  maxRetries?: number;
  /** Default "auto". */
  structuredOutput?: StructuredOutputSetting;
  /** How many times to re-ask after an answer that fails validation. Default 1. */
  maxReasks?: number;
  /** With a session: load at most this many of its latest turns into the prompt. */
  memoryMaxTurns?: number;
  /**
   * With a session: load only the latest turns that fit in about this many tokens (estimated at
   * four characters a token), so the prompt never grows past a bound however long the session.
   * The oldest turns are left out (a SummaryMemory folds them into its summary instead).
   */
  memoryMaxTokens?: number;
  /** Default "report". */
  hookErrors?: HookErrorPolicy;
  /** Default "throw". "retry-with-more" needs `maxTokensCeiling`. */
  onTruncated?: TruncationPolicy;
  /**
   * With onTruncated "retry-with-more": the most output tokens a retry may ask for. Each retry
   * doubles the budget (maxTokens, or the tokens the cut answer used) up to this; an answer cut
   * off at the ceiling ends in OutputTruncatedError.
   */
  maxTokensCeiling?: number;
  /**
   * Record prompt and answer text on the OpenTelemetry chat spans (`gen_ai.input.messages`,
   * `gen_ai.output.messages`). Default false: spans carry counts, models and timings, never text.
   */
  recordContent?: boolean;
  /**
   * With tools: the most model -> tools rounds in one run. A reply that asks for tools once this
   * many rounds are used ends the run with a MaxCyclesError. Default 5.
   */
  maxCycles?: number;
  /** With tools: the most tool calls of one reply running at once in runAsync and streamAsync. Default 4. */
  toolConcurrency?: number;
  /**
   * With tools: the time budget of one tool call; when it runs out the call's signal fires and the
   * model is told the call timed out. Default: none (the run's own timeoutMs still applies).
   * run() cannot interrupt a synchronous execute: there it is checked when the call returns.
   */
  toolTimeoutMs?: number;
}

/** One thing wrong with a configuration. */
export interface ConfigProblem {
  field: string;
  message: string;
}

/** A configuration with one or more problems; `problems` lists each, `field` is the first one's. */
export class ConfigValidationError extends ConfigurationError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const message =
      problems.length === 1
        ? problems[0]!.message
        : `BaseAgentConfig has ${problems.length} problems:\n${problems.map((p) => `  - ${p.message}`).join("\n")}`;
    super(message, { field: problems[0]?.field });
    this.problems = problems;
  }
}

const STRUCTURED_OUTPUT_SETTINGS: readonly StructuredOutputSetting[] = ["auto", "json_schema", "tool", "json_object", "prompt"];
const HOOK_ERROR_POLICIES: readonly HookErrorPolicy[] = ["report", "throw"];
const TRUNCATION_POLICIES: readonly TruncationPolicy[] = ["throw", "retry-with-more"];
const KNOWN_OPTIONS = [
  "llmProvider",
  "model",
  "temperature",
  "maxTokens",
  "topP",
  "useAsyncLlm",
  "apiKey",
  "baseUrl",
  "providerOptions",
  "timeoutMs",
  "maxRetries",
  "structuredOutput",
  "maxReasks",
  "memoryMaxTurns",
  "memoryMaxTokens",
  "hookErrors",
  "onTruncated",
  "maxTokensCeiling",
  "recordContent",
  "maxCycles",
  "toolConcurrency",
  "toolTimeoutMs",
] as const satisfies readonly (keyof BaseAgentConfigOptions)[];
const SECRET_OPTION = /key|token|secret|password|authorization/i;
const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");

/**
 * The agent's settings, validated at construction (every problem at once, each naming the field
 * and the fix) and frozen afterwards. `apiKey` is not enumerable and is redacted by `toJSON` and
 * `util.inspect`, so logging a config never leaks it.
 */
export class BaseAgentConfig {
  readonly llmProvider: string;
  readonly model: string;
  readonly temperature: number | undefined;
  readonly maxTokens: number | undefined;
  readonly topP: number | undefined;
  readonly useAsyncLlm: boolean;
  declare readonly apiKey: string | undefined;
  readonly baseUrl: string | undefined;
  readonly providerOptions: Readonly<Record<string, unknown>>;
  readonly timeoutMs: number | undefined;
  readonly maxRetries: number | undefined;
  readonly structuredOutput: StructuredOutputSetting;
  readonly maxReasks: number;
  readonly memoryMaxTurns: number | undefined;
  readonly memoryMaxTokens: number | undefined;
  readonly hookErrors: HookErrorPolicy;
  readonly onTruncated: TruncationPolicy;
  readonly maxTokensCeiling: number | undefined;
  readonly recordContent: boolean;
  readonly maxCycles: number;
  readonly toolConcurrency: number;
  readonly toolTimeoutMs: number | undefined;

  constructor(given: BaseAgentConfigOptions) {
    const options = withModelString(given);
    const problems = validateConfigOptions(options);
    if (problems.length > 0) throw new ConfigValidationError(problems);
    this.llmProvider = options.llmProvider ?? "openai";
    this.model = options.model;
    this.temperature = options.temperature;
    this.maxTokens = options.maxTokens;
    this.topP = options.topP;
    this.useAsyncLlm = options.useAsyncLlm ?? false;
    Object.defineProperty(this, "apiKey", { value: options.apiKey, enumerable: false, writable: false });
    this.baseUrl = options.baseUrl;
    this.providerOptions = Object.freeze({ ...options.providerOptions });
    this.timeoutMs = options.timeoutMs;
    this.maxRetries = options.maxRetries;
    this.structuredOutput = options.structuredOutput ?? "auto";
    this.maxReasks = options.maxReasks ?? 1;
    this.memoryMaxTurns = options.memoryMaxTurns;
    this.memoryMaxTokens = options.memoryMaxTokens;
    this.hookErrors = options.hookErrors ?? "report";
    this.onTruncated = options.onTruncated ?? "throw";
    this.maxTokensCeiling = options.maxTokensCeiling;
    this.recordContent = options.recordContent ?? false;
    this.maxCycles = options.maxCycles ?? 5;
    this.toolConcurrency = options.toolConcurrency ?? 4;
    this.toolTimeoutMs = options.toolTimeoutMs;
    Object.freeze(this);
  }

  /** A new, validated config with some settings changed: `config.with({ useAsyncLlm: true })`. */
  with(changes: Partial<BaseAgentConfigOptions>): BaseAgentConfig {
    return new BaseAgentConfig({ ...this.toOptions(), ...changes });
  }

  /** The options this config was built from, the API key included (it is the caller's own). */
  toOptions(): BaseAgentConfigOptions {
    const options: Record<string, unknown> = {};
    for (const key of KNOWN_OPTIONS) if (this[key] !== undefined) options[key] = this[key];
    return options as unknown as BaseAgentConfigOptions;
  }

  /** Safe to log: the API key and secret-looking provider options are redacted. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of KNOWN_OPTIONS) {
      const value = this[key];
      if (value === undefined) continue;
      if (key === "apiKey") out[key] = "[redacted]";
      else if (key === "providerOptions") out[key] = redactOptions(value as Record<string, unknown>);
      else out[key] = value;
    }
    return out;
  }

  /** What `util.inspect` and `console.log` show: the redacted `toJSON()`. */
  [inspectSymbol](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return `BaseAgentConfig ${inspect(this.toJSON(), options)}`;
  }
}

function redactOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options))
    out[key] = SECRET_OPTION.test(key) && value !== undefined ? "[redacted]" : value;
  return out;
}

function describe(value: unknown): string {
  if (typeof value === "string") return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)} (string)`;
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${String(value)} (${typeof value})`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}

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

/** Every problem with a set of options, each naming the field and the fix. Empty when valid. */
export function validateConfigOptions(options: unknown): ConfigProblem[] {
  if (!isPlainObject(options)) {
    return [
      {
        field: "options",
        message: `BaseAgentConfig takes an options object; got ${describe(options)}. Fix: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o" }).`,
      },
    ];
  }
  const problems: ConfigProblem[] = [];
  const add = (field: string, message: string): void => {
    problems.push({ field, message });
  };
  const o = options;

  for (const key of Object.keys(o)) {
    if ((KNOWN_OPTIONS as readonly string[]).includes(key)) continue;
    const suggestion = suggestOption(key);
    add(
      key,
      suggestion
        ? `Unknown option "${key}". Did you mean "${suggestion}"?`
        : `Unknown option "${key}". Known options: ${KNOWN_OPTIONS.join(", ")}.`,
    );
  }

  if (o.llmProvider !== undefined) {
    if (typeof o.llmProvider !== "string" || o.llmProvider.trim() === "") {
      add(
        "llmProvider",
        `llmProvider must be a provider name; got ${describe(o.llmProvider)}. Known providers: ${listProviders().join(", ")}.`,
      );
    } else if (!listProviders().includes(o.llmProvider)) {
      add(
        "llmProvider",
        `llmProvider "${o.llmProvider}" is not a known provider. Known providers: ${listProviders().join(", ")}. ` +
          `Fix: use one of them, or call registerProvider("${o.llmProvider}", factory) from @kaizen/providers first.`,
      );
    }
  }

  if (o.model === undefined || o.model === null || o.model === "") {
    add("model", `model is required: pass the model name, e.g. new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o" }).`);
  } else if (typeof o.model !== "string" || o.model.trim() === "") {
    add("model", `model must be a model name string, e.g. model: "gpt-4o"; got ${describe(o.model)}.`);
  }

  if (o.temperature !== undefined && !(typeof o.temperature === "number" && o.temperature >= 0 && o.temperature <= 2)) {
    add(
      "temperature",
      `temperature must be a number from 0 to 2; got ${describe(o.temperature)}. Fix: e.g. temperature: 0.7, or leave it out.`,
    );
  }
  if (o.maxTokens !== undefined && !(Number.isInteger(o.maxTokens) && (o.maxTokens as number) > 0)) {
    add(
      "maxTokens",
      `maxTokens must be a positive integer; got ${describe(o.maxTokens)}. Fix: e.g. maxTokens: 500, or leave it out for the model's default.`,
    );
  }
  if (o.topP !== undefined && !(typeof o.topP === "number" && o.topP >= 0 && o.topP <= 1)) {
    add("topP", `topP must be a number from 0 to 1; got ${describe(o.topP)}. Fix: e.g. topP: 0.9, or leave it out.`);
  }
  if (o.useAsyncLlm !== undefined && typeof o.useAsyncLlm !== "boolean") {
    add(
      "useAsyncLlm",
      `useAsyncLlm must be a boolean (true or false); got ${describe(o.useAsyncLlm)}. ` +
        `Fix: useAsyncLlm: true to enable runAsync(), or leave it out (default false) for run() only.`,
    );
  }
  if (o.apiKey !== undefined && (typeof o.apiKey !== "string" || o.apiKey === "")) {
    // The value itself is never echoed: it may be a real key put in the wrong place.
    add(
      "apiKey",
      `apiKey must be a non-empty string; got a ${o.apiKey === null ? "null" : typeof o.apiKey}. Fix: apiKey: process.env.OPENAI_API_KEY, or leave it out to use the provider's environment variable.`,
    );
  }
  if (o.baseUrl !== undefined && !isHttpUrl(o.baseUrl)) {
    add(
      "baseUrl",
      `baseUrl must be an absolute http(s) URL; got ${describe(o.baseUrl)}. Fix: e.g. baseUrl: "http://127.0.0.1:8787/v1", or leave it out for the provider's default.`,
    );
  }
  if (o.providerOptions !== undefined && !isPlainObject(o.providerOptions)) {
    add(
      "providerOptions",
      `providerOptions must be a plain object; got ${describe(o.providerOptions)}. Fix: e.g. providerOptions: { organization: "org-..." }.`,
    );
  }
  if (o.timeoutMs !== undefined && !(typeof o.timeoutMs === "number" && Number.isFinite(o.timeoutMs) && o.timeoutMs > 0)) {
    add(
      "timeoutMs",
      `timeoutMs must be a positive number of milliseconds; got ${describe(o.timeoutMs)}. Fix: e.g. timeoutMs: 30_000, or leave it out.`,
    );
  }
  if (o.maxRetries !== undefined && !(Number.isInteger(o.maxRetries) && (o.maxRetries as number) >= 0)) {
    add(
      "maxRetries",
      `maxRetries must be an integer of 0 or more; got ${describe(o.maxRetries)}. Fix: e.g. maxRetries: 2, or 0 to never retry.`,
    );
  }
  if (o.structuredOutput !== undefined && !STRUCTURED_OUTPUT_SETTINGS.includes(o.structuredOutput as StructuredOutputSetting)) {
    add(
      "structuredOutput",
      `structuredOutput must be one of ${STRUCTURED_OUTPUT_SETTINGS.map((s) => `"${s}"`).join(", ")}; got ${describe(o.structuredOutput)}. Fix: leave it out for "auto".`,
    );
  }
  if (o.maxReasks !== undefined && !(Number.isInteger(o.maxReasks) && (o.maxReasks as number) >= 0)) {
    add(
      "maxReasks",
      `maxReasks must be an integer of 0 or more; got ${describe(o.maxReasks)}. Fix: e.g. maxReasks: 1 (the default), or 0 to never re-ask.`,
    );
  }
  if (o.memoryMaxTurns !== undefined && !(Number.isInteger(o.memoryMaxTurns) && (o.memoryMaxTurns as number) > 0)) {
    add(
      "memoryMaxTurns",
      `memoryMaxTurns must be a positive integer; got ${describe(o.memoryMaxTurns)}. Fix: e.g. memoryMaxTurns: 20, or leave it out to load every turn the memory keeps.`,
    );
  }
  if (o.memoryMaxTokens !== undefined && !(Number.isInteger(o.memoryMaxTokens) && (o.memoryMaxTokens as number) > 0)) {
    add(
      "memoryMaxTokens",
      `memoryMaxTokens must be a positive integer; got ${describe(o.memoryMaxTokens)}. Fix: e.g. memoryMaxTokens: 4000, or leave it out for no token bound on the loaded turns.`,
    );
  }
  if (o.hookErrors !== undefined && !HOOK_ERROR_POLICIES.includes(o.hookErrors as HookErrorPolicy)) {
    add("hookErrors", `hookErrors must be "report" or "throw"; got ${describe(o.hookErrors)}. Fix: leave it out for "report".`);
  }
  if (o.onTruncated !== undefined && !TRUNCATION_POLICIES.includes(o.onTruncated as TruncationPolicy)) {
    add(
      "onTruncated",
      `onTruncated must be "throw" or "retry-with-more"; got ${describe(o.onTruncated)}. Fix: leave it out for "throw".`,
    );
  }
  const ceiling = o.maxTokensCeiling;
  if (ceiling !== undefined && !(Number.isInteger(ceiling) && (ceiling as number) > 0)) {
    add(
      "maxTokensCeiling",
      `maxTokensCeiling must be a positive integer; got ${describe(ceiling)}. Fix: e.g. maxTokensCeiling: 8000, the most output tokens a retry of a cut-off answer may ask for.`,
    );
  } else if (o.onTruncated === "retry-with-more" && ceiling === undefined) {
    add(
      "maxTokensCeiling",
      `onTruncated "retry-with-more" needs maxTokensCeiling, the most output tokens a retry may ask for. Fix: e.g. maxTokensCeiling: 8000.`,
    );
  } else if (
    ceiling !== undefined &&
    typeof o.maxTokens === "number" &&
    Number.isInteger(o.maxTokens) &&
    (ceiling as number) < o.maxTokens
  ) {
    add(
      "maxTokensCeiling",
      `maxTokensCeiling (${String(ceiling)}) is below maxTokens (${o.maxTokens}), so no retry could ask for more. Fix: raise maxTokensCeiling above maxTokens.`,
    );
  }
  if (o.recordContent !== undefined && typeof o.recordContent !== "boolean") {
    add(
      "recordContent",
      `recordContent must be a boolean (true or false); got ${describe(o.recordContent)}. ` +
        `Fix: recordContent: true to put prompt and answer text on the OpenTelemetry spans, or leave it out (default false).`,
    );
  }
  if (
    o.maxCycles !== undefined &&
    !(Number.isInteger(o.maxCycles) && (o.maxCycles as number) >= 1 && (o.maxCycles as number) <= 100)
  ) {
    add(
      "maxCycles",
      `maxCycles must be an integer from 1 to 100; got ${describe(o.maxCycles)}. Fix: e.g. maxCycles: 5 (the default): the most model -> tools rounds per run.`,
    );
  }
  if (o.toolConcurrency !== undefined && !(Number.isInteger(o.toolConcurrency) && (o.toolConcurrency as number) >= 1)) {
    add(
      "toolConcurrency",
      `toolConcurrency must be a positive integer; got ${describe(o.toolConcurrency)}. Fix: e.g. toolConcurrency: 4 (the default), or 1 to run one tool call at a time.`,
    );
  }
  if (
    o.toolTimeoutMs !== undefined &&
    !(typeof o.toolTimeoutMs === "number" && Number.isFinite(o.toolTimeoutMs) && o.toolTimeoutMs > 0)
  ) {
    add(
      "toolTimeoutMs",
      `toolTimeoutMs must be a positive number of milliseconds; got ${describe(o.toolTimeoutMs)}. Fix: e.g. toolTimeoutMs: 10_000, or leave it out.`,
    );
  }
  return problems;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
