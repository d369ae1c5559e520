import type { OutputIssue } from "@kaizen/signatures";
import type { HookErrorPolicy } from "./config.js";
import type { RunInfo } from "./run-info.js";
import type { ToolCallRecord } from "./tool-types.js";

export interface RunEventBase {
  runId: number;
  mode: "sync" | "async" | "stream";
  /** The inputs as the caller passed them (before defaults are applied). */
  inputs: Readonly<Record<string, unknown>>;
  sessionId: string | undefined;
}

export type BeforeRunEvent = RunEventBase;

export interface AfterRunEvent<O = Record<string, unknown>> extends RunEventBase {
  outputs: O;
  info: RunInfo;
}

export interface ErrorEvent extends RunEventBase {
  error: unknown;
}

export type RetryEvent =
  | (RunEventBase & {
      /** The model's answer failed validation; it is asked again with the issues. */
      kind: "reask";
      /** The attempt about to be made (2 for the first re-ask). */
      attempt: number;
      issues: readonly OutputIssue[];
      rawText: string;
    })
  | (RunEventBase & {
      /** The answer was cut off at maxTokens; with onTruncated "retry-with-more" it is asked again with more. */
      kind: "truncated";
      /** The attempt about to be made. */
      attempt: number;
      /** The budget of the cut-off answer (undefined: the provider's default). */
      previousMaxTokens: number | undefined;
      /** The budget of the next attempt. */
      maxTokens: number;
      /** Output tokens the cut-off answer used. */
      outputTokens: number;
    })
  | (RunEventBase & {
      /** The provider retried the HTTP call (429, 5xx, network); reported once the call returned. */
      kind: "provider";
      /** HTTP attempts the call took. */
      attempt: number;
    });

/** The model asked for a tool call; fired before it is validated and run. */
export interface ToolCallEvent extends RunEventBase {
  /** The model call (1-based) whose reply asked for it. */
  step: number;
  id: string;
  name: string;
  /** The arguments as the model wrote them (JSON text). */
  arguments: string;
}

/** A tool call ended (any status); its result is about to go back to the model. */
export interface ToolResultEvent extends RunEventBase {
  step: number;
  call: ToolCallRecord;
}

type HookResult = void | Promise<void>;

/**
 * Called around every run. Each may be sync or async: `runAsync`, `batchAsync` and `streamAsync`
 * await them; `run()` cannot wait for a Promise without blocking the very event loop that would
 * settle it, so there an async hook is started but not awaited, and its rejection is reported.
 */
export interface AgentHooks<O = Record<string, unknown>> {
  beforeRun?(event: BeforeRunEvent): HookResult;
  afterRun?(event: AfterRunEvent<O>): HookResult;
  onError?(event: ErrorEvent): HookResult;
  onRetry?(event: RetryEvent): HookResult;
  onToolCall?(event: ToolCallEvent): HookResult;
  onToolResult?(event: ToolResultEvent): HookResult;
}

export type HookName = keyof AgentHooks;

/** Where failing hooks are reported. Default: `console.warn`. */
export type HookErrorReporter = (error: unknown, context: { hook: HookName | "onProgress"; runId?: number }) => void;

export const defaultHookErrorReporter: HookErrorReporter = (error, { hook, runId }) => {
  const message = error instanceof Error ? error.message : String(error);
  console.warn(`[kaizen] the ${hook} hook failed${runId === undefined ? "" : ` (run ${runId})`}: ${message}`);
};

export interface HookRunnerOptions {
  hooks: readonly AgentHooks<never>[];
  policy: HookErrorPolicy;
  report: HookErrorReporter;
}

/** Calls every hook registered for one event, in order, applying the error policy. */
export class HookRunner {
  readonly #hooks: readonly AgentHooks<never>[];
  readonly #policy: HookErrorPolicy;
  readonly #report: HookErrorReporter;
  /** Which events have at least one hook, so a run skips the rest at no cost. */
  readonly has: Readonly<Record<HookName, boolean>>;

  constructor(options: HookRunnerOptions) {
    this.#hooks = options.hooks;
    this.#policy = options.policy;
    this.#report = options.report;
    const has = (name: HookName): boolean => options.hooks.some((h) => typeof h[name] === "function");
    this.has = {
      beforeRun: has("beforeRun"),
      afterRun: has("afterRun"),
      onError: has("onError"),
      onRetry: has("onRetry"),
      onToolCall: has("onToolCall"),
      onToolResult: has("onToolResult"),
    };
  }

  /**
   * Runs the hooks of `name`. Returns a Promise only when a hook did and `awaitAsync` is set;
   * otherwise a hook's Promise is left running and its rejection reported.
   */
  run(name: HookName, event: { runId: number }, awaitAsync: boolean): void | Promise<void> {
    for (let i = 0; i < this.#hooks.length; i++) {
      const fn = this.#hooks[i]![name] as ((e: unknown) => HookResult) | undefined;
      if (fn === undefined) continue;
      let result: HookResult;
      try {
        result = fn.call(this.#hooks[i], event);
      } catch (error) {
        this.#fail(name, event.runId, error);
        continue;
      }
      if (!isPromiseLike(result)) continue;
      if (awaitAsync) return this.#finishAsync(name, event, result, i + 1);
      result.then(undefined, (error: unknown) => this.report(error, name, event.runId));
    }
  }

  async #finishAsync(name: HookName, event: { runId: number }, pending: PromiseLike<void>, next: number): Promise<void> {
    try {
      await pending;
    } catch (error) {
      this.#fail(name, event.runId, error);
    }
    for (let i = next; i < this.#hooks.length; i++) {
      const fn = this.#hooks[i]![name] as ((e: unknown) => HookResult) | undefined;
      if (fn === undefined) continue;
      try {
        await fn.call(this.#hooks[i], event);
      } catch (error) {
        this.#fail(name, event.runId, error);
      }
    }
  }

  /** A hook failure: thrown under the "throw" policy (except from onError, whose run already failed). */
  #fail(name: HookName, runId: number, error: unknown): void {
    if (this.#policy === "throw" && name !== "onError") throw error;
    this.report(error, name, runId);
  }

  report(error: unknown, hook: HookName | "onProgress", runId?: number): void {
    try {
      this.#report(error, { hook, runId });
    } catch {
      // A reporter that throws must not turn a reported hook failure into a failed run.
    }
  }
}

export function isPromiseLike(value: unknown): value is PromiseLike<void> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
