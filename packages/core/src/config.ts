import { ConfigurationError } from "@kaizen/contracts";
import { KNOWN_OPTIONS, validateConfigOptions } from "./config-schema.js";
import type { ConfigProblem, HookErrorPolicy, StructuredOutputSetting, TruncationPolicy } from "./config-schema.js";
import { withModelString } from "./model-string.js";

export { validateConfigOptions };
export type { ConfigProblem, HookErrorPolicy, StructuredOutputSetting, TruncationPolicy };

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
   * A synchronous execute cannot be interrupted (in any mode): it runs to the end, and when it
   * returns past the limit it is reported as timed out and its output is discarded.
   */
  toolTimeoutMs?: number;
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
