import { AbortError, ConfigurationError } from "@kaizen/contracts";
import type { AnyTool, LLMProvider, ProviderOptions } from "@kaizen/contracts";
import { BufferMemory } from "@kaizen/memory";
import type { Memory } from "@kaizen/memory";
import { createProvider } from "@kaizen/providers";
import { describeSignature, outputJsonSchema, outputSchemaName, renderSystemPrompt } from "@kaizen/signatures";
import type { AnySignature, InferInputs, InferOutputs } from "@kaizen/signatures";
import { ASYNC_MODE_MESSAGE } from "./async-mode-message.js";
import { runBatch } from "./batch.js";
import { BaseAgentConfig } from "./config.js";
import { drive, resume } from "./drive.js";
import { HookRunner, defaultHookErrorReporter } from "./hooks.js";
import type { AgentHooks, HookErrorReporter } from "./hooks.js";
import { runLifecycle } from "./lifecycle.js";
import { withSameThreadHint } from "./same-thread-hint.js";
import type { Effect, Lifecycle, RunCall, RunPlan } from "./lifecycle.js";
import { AgentStreamImpl, streamChat } from "./stream.js";
import type { AgentStreamEvent } from "./stream.js";
import { toolPlan } from "./tool-plan.js";
import { runToolsAsync, runToolsSync } from "./tool-runner.js";
import type { ToolCallRecord } from "./tool-types.js";
import { traceRun } from "./telemetry.js";
import type { TelemetrySettings } from "./telemetry.js";
import type { AgentStream } from "./stream.js";
import type { BatchOptions, BatchResult, RunOptions } from "./types.js";

export interface BaseAgentOptions<S extends AnySignature> {
  config: BaseAgentConfig;
  signature: S;
  /**
   * Conversation memory for runs with a `sessionId`. Stays the caller's: `agent.close()` leaves it open.
   * Default: an in-process `BufferMemory` the agent owns (lost on exit; pass SqliteMemory, RedisMemory or
   * PostgresMemory to keep sessions across restarts or share them between instances).
   */
  memory?: Memory;
  /** Your own provider instance; by default one is created from the config (and closed by `agent.close()`). */
  provider?: LLMProvider;
  hooks?: AgentHooks<InferOutputs<S>> | readonly AgentHooks<InferOutputs<S>>[];
  /** Where failing hooks (and `onProgress` callbacks) are reported. Default: `console.warn`. */
  onHookError?: HookErrorReporter;
  /**
   * Tools the model may call (`tool()` from this package, or any `Tool`). Each run loops
   * model -> tools -> model until the model answers with the signature's outputs, at most
   * `config.maxCycles` rounds.
   */
  tools?: readonly AnyTool[];
}

/**
 * An agent: a signature, a provider and a memory (by default in process). `run()` blocks and returns the result;
 * `runAsync()`, `batchAsync()` and `streamAsync()` never block and need `useAsyncLlm: true`.
 * One agent serves any number of concurrent runs.
 */
export class BaseAgent<S extends AnySignature> {
  readonly config: BaseAgentConfig;
  readonly signature: S;
  /** The memory given in the options, or the in-process BufferMemory this agent created. */
  readonly memory: Memory;
  readonly provider: LLMProvider;
  readonly #ownsProvider: boolean;
  readonly #ownsMemory: boolean;
  readonly #plan: RunPlan;
  readonly #telemetry: TelemetrySettings;
  readonly #hooks: HookRunner;
  readonly #inputNames: ReadonlySet<string>;
  #runs = 0;
  #closed = false;

  constructor(options: BaseAgentOptions<S>) {
    if (!(options?.config instanceof BaseAgentConfig)) {
      throw new ConfigurationError(
        `BaseAgent needs a config: new BaseAgent({ config: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o" }), signature }).`,
        { field: "config" },
      );
    }
    if (options.signature === undefined || options.signature === null) {
      throw new ConfigurationError(`BaseAgent needs a signature: new BaseAgent({ config, signature: new QASignature() }).`, {
        field: "signature",
      });
    }
    const { config, signature } = options;
    this.config = config;
    this.signature = signature;
    // A default memory, so that `runAsync(inputs, { sessionId })` works on a first try as in the
    // README; it costs one empty Map until a session is used.
    this.memory = options.memory ?? new BufferMemory();
    this.#ownsMemory = options.memory === undefined;
    this.#ownsProvider = options.provider === undefined;
    this.provider = options.provider ?? createProvider(config.llmProvider, providerOptionsOf(config));
    if (!config.useAsyncLlm && typeof this.provider.chat !== "function") {
      throw new ConfigurationError(
        `The provider "${this.provider.name}" has no synchronous chat() method, which run() needs (useAsyncLlm is false). ` +
          `Fix: add a chat(request) method to the provider, or set useAsyncLlm: true in BaseAgentConfig and call runAsync().`,
        { field: "provider" },
      );
    }
    const hooks =
      options.hooks === undefined ? [] : Array.isArray(options.hooks) ? options.hooks : [options.hooks as AgentHooks<never>];
    this.#hooks = new HookRunner({
      hooks: hooks as readonly AgentHooks<never>[],
      policy: config.hookErrors,
      report: options.onHookError ?? defaultHookErrorReporter,
    });
    const tools = toolPlan(options.tools, config);
    const shape = describeSignature(signature);
    this.#inputNames = new Set(Object.keys(shape.inputs));
    const generationConfig: RunPlan["generationConfig"] = {};
    if (config.temperature !== undefined) generationConfig.temperature = config.temperature;
    if (config.maxTokens !== undefined) generationConfig.maxTokens = config.maxTokens;
    if (config.topP !== undefined) generationConfig.topP = config.topP;
    // Built once: each call shares the system message, the schema and the generation settings.
    this.#plan = {
      signature,
      // The schema goes to the provider in `output` (enforced by the API or put into the
      // provider's own instructions), so the prompt lists the fields without a second copy of it.
      systemMessage: Object.freeze({ role: "system", content: renderSystemPrompt(signature, { jsonSchema: false }) }),
      output: Object.freeze({
        name: outputSchemaName(signature),
        ...(shape.description ? { description: shape.description } : {}),
        schema: outputJsonSchema(signature),
        mode: config.structuredOutput,
      }),
      model: config.model,
      generationConfig: Object.keys(generationConfig).length > 0 ? Object.freeze(generationConfig) : undefined,
      maxReasks: config.maxReasks,
      onTruncated: config.onTruncated,
      maxTokensCeiling: config.maxTokensCeiling,
      memoryMaxTurns: config.memoryMaxTurns,
      memoryMaxTokens: config.memoryMaxTokens,
      memoryChecksWrites: typeof this.memory.checkWritableAsync === "function" || typeof this.memory.checkWritable === "function",
      defaultTimeoutMs: config.timeoutMs,
      providerName: this.provider.name,
      providerSupportsImages: this.provider.supportsImages === true,
      providerSupportsFiles: this.provider.supportsFiles === true,
      hooks: this.#hooks.has,
      tools: tools?.byName,
      toolSpecs: tools?.specs,
      maxCycles: config.maxCycles,
      toolConcurrency: config.toolConcurrency,
      toolTimeoutMs: config.toolTimeoutMs,
    };
    this.#telemetry = { agentName: shape.name, providerName: this.provider.name, recordContent: config.recordContent };
  }

  /**
   * Runs the signature once and returns its outputs. Synchronous: blocks this thread until the
   * answer is back (the provider's worker-thread bridge). For scripts and sync code paths; servers
   * want `runAsync`. Needs a memory with a synchronous API (BufferMemory, SqliteMemory) if any.
   */
  run(inputs: InferInputs<S>, options?: RunOptions): InferOutputs<S> {
    const call = this.#call(inputs, options, "sync");
    if (typeof this.provider.chat !== "function") {
      throw new ConfigurationError(
        `The provider "${this.provider.name}" has no synchronous chat() method, so run() cannot block on it. Fix: use await agent.runAsync(...), or add a chat(request) method to the provider.`,
        { field: "provider" },
      );
    }
    if (typeof this.memory.load !== "function" || typeof this.memory.append !== "function") {
      throw new ConfigurationError(
        `The ${this.memory.kind} memory has no synchronous API, so run() cannot use it. Fix: use await agent.runAsync(...) ` +
          `(with useAsyncLlm: true in BaseAgentConfig), or a BufferMemory / SqliteMemory for run().`,
        { field: "memory" },
      );
    }
    try {
      return drive(this.#lifecycle(call), this.#performSync) as InferOutputs<S>;
    } catch (err) {
      throw withSameThreadHint(err, this.config.baseUrl);
    }
  }

  /**
   * Runs the signature once; the Promise resolves to its outputs. Never blocks the event loop.
   * Rejects (never throws) with a ConfigurationError, before any I/O, unless `useAsyncLlm: true`.
   */
  async runAsync(inputs: InferInputs<S>, options?: RunOptions): Promise<InferOutputs<S>> {
    if (!this.config.useAsyncLlm) throw new ConfigurationError(ASYNC_MODE_MESSAGE, { field: "useAsyncLlm" });
    const call = this.#call(inputs, options, "async");
    return (await drive(this.#lifecycle(call), this.#performAsync)) as InferOutputs<S>;
  }

  /**
   * Runs every inputs object, at most `concurrency` at a time. Every item settles, in input order,
   * as `{ status: "fulfilled", value }` or `{ status: "rejected", reason }`: one failure never
   * loses the others. Rejects only when the agent itself cannot run (e.g. `useAsyncLlm` false).
   */
  async batchAsync(
    inputsList: readonly InferInputs<S>[],
    options: BatchOptions<InferInputs<S>> = {},
  ): Promise<BatchResult<InferOutputs<S>>[]> {
    if (!this.config.useAsyncLlm) throw new ConfigurationError(ASYNC_MODE_MESSAGE, { field: "useAsyncLlm" });
    return runBatch(
      inputsList,
      options,
      (inputs, runOptions) => this.runAsync(inputs, runOptions),
      (error) => this.#hooks.report(error, "onProgress"),
    );
  }

  /**
   * Streams one run: iterate the partial outputs as the model writes them; the last value is the
   * validated final result (also `await stream.result`). Memory is written only after that final
   * validation. Leaving the loop early, `stream.cancel()` or the signal cancel the upstream request.
   */
  streamAsync(inputs: InferInputs<S>, options?: RunOptions): AgentStream<InferOutputs<S>> {
    const controller = new AbortController();
    return new AgentStreamImpl<InferOutputs<S>>(() => this.#streamSource(inputs, options, controller), controller);
  }

  async *#streamSource(
    inputs: InferInputs<S>,
    options: RunOptions | undefined,
    controller: AbortController,
  ): AsyncGenerator<AgentStreamEvent<InferOutputs<S>>, InferOutputs<S>, undefined> {
    if (!this.config.useAsyncLlm) throw new ConfigurationError(ASYNC_MODE_MESSAGE, { field: "useAsyncLlm" });
    const outer = options?.signal;
    const forward = (): void => controller.abort(outer?.reason);
    if (outer?.aborted) forward();
    outer?.addEventListener("abort", forward, { once: true });
    try {
      const call = this.#call(inputs, { ...options, signal: controller.signal }, "stream");
      const lifecycle = this.#lifecycle(call);
      let value: unknown;
      let failed = false;
      let chats = 0;
      for (;;) {
        const step = resume(lifecycle, value, failed);
        if (step.done) return step.value as InferOutputs<S>;
        failed = false;
        try {
          const effect = step.value;
          if (effect.op === "chat") {
            chats++;
            value = yield* streamChat<InferOutputs<S>>(this.provider, effect.request, chats);
          } else {
            value = await this.#performAsync(effect);
            if (effect.op === "tools") {
              for (const record of value as ToolCallRecord[]) yield { type: "tool-result", step: effect.step, call: record };
            }
          }
        } catch (error) {
          value = error;
          failed = true;
        }
      }
    } finally {
      outer?.removeEventListener("abort", forward);
    }
  }

  /** Closes the provider and the default memory this agent created (never a provider or memory passed in). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsProvider) await this.provider.close?.();
    if (this.#ownsMemory) await this.memory.close();
  }

  #call(inputs: InferInputs<S>, options: RunOptions | undefined, mode: RunCall["mode"]): RunCall {
    if (this.#closed) {
      throw new ConfigurationError(
        "This agent was closed. Fix: create a new BaseAgent (close() only when you are done with it).",
        {
          field: "agent",
        },
      );
    }
    const sessionId = options?.sessionId;
    if (typeof inputs === "object" && inputs !== null) {
      for (const key of ["sessionId", "session_id"]) {
        if (key in inputs && !this.#inputNames.has(key)) {
          throw new ConfigurationError(
            `"${key}" was passed as an input, but it is a run option: agent.runAsync({ question }, { sessionId: "${key}-value" }).`,
            { field: "sessionId" },
          );
        }
      }
    }
    const timeoutMs = options?.timeoutMs;
    if (timeoutMs !== undefined && !(typeof timeoutMs === "number" && timeoutMs > 0)) {
      throw new ConfigurationError(
        `timeoutMs must be a positive number of milliseconds; got ${String(timeoutMs)}. Fix: e.g. { timeoutMs: 30_000 }.`,
        {
          field: "timeoutMs",
        },
      );
    }
    let signal = options?.signal;
    if (signal?.aborted) throw new AbortError("The run was aborted before it started.", { cause: signal.reason });
    const budget = timeoutMs ?? this.config.timeoutMs;
    let timeoutSignal: AbortSignal | undefined;
    if (budget !== undefined && mode !== "sync") {
      // The provider enforces the budget on its call too; this signal also bounds memory I/O and
      // providers that ignore `timeoutMs`. run() is bounded by the provider's bridge instead.
      timeoutSignal = AbortSignal.timeout(budget);
      signal = signal === undefined ? timeoutSignal : AbortSignal.any([signal, timeoutSignal]);
    }
    const onApproval = options?.onApproval;
    if (onApproval !== undefined && typeof onApproval !== "function") {
      throw new ConfigurationError(
        `onApproval must be a function (call) => boolean | Promise<boolean>; got ${typeof onApproval}.`,
        {
          field: "onApproval",
        },
      );
    }
    return {
      runId: ++this.#runs,
      mode,
      inputs: inputs as Record<string, unknown>,
      sessionId,
      signal,
      timeoutMs,
      timeoutSignal,
      onApproval,
    };
  }

  /** The run's lifecycle, traced (OpenTelemetry spans; a no-op until the app registers an SDK). */
  #lifecycle(call: RunCall): Lifecycle {
    return traceRun(this.#telemetry, call, runLifecycle(this.#plan, call));
  }

  readonly #performSync = (effect: Effect): unknown => {
    switch (effect.op) {
      case "chat":
        return this.provider.chat!(effect.request);
      case "load":
        return this.memory.load!(effect.sessionId, loadOptions(effect));
      case "check-write":
        return this.memory.checkWritable?.(effect.sessionId);
      case "append":
        return this.memory.append!(effect.sessionId, effect.turn);
      case "hook":
        return this.#hooks.run(effect.name, effect.event, false);
      case "tools":
        return runToolsSync(effect.batch);
    }
  };

  readonly #performAsync = (effect: Effect): unknown => {
    switch (effect.op) {
      case "chat":
        return this.provider.chatAsync(effect.request);
      case "load":
        return this.memory.loadAsync(effect.sessionId, { ...loadOptions(effect), signal: effect.signal });
      case "check-write":
        return this.memory.checkWritableAsync?.(effect.sessionId, { signal: effect.signal });
      case "append":
        return this.memory.appendAsync(effect.sessionId, effect.turn, { signal: effect.signal });
      case "hook":
        return this.#hooks.run(effect.name, effect.event, true);
      case "tools":
        return runToolsAsync(effect.batch, effect.concurrency);
    }
  };
}

function providerOptionsOf(config: BaseAgentConfig): ProviderOptions {
  const options: ProviderOptions = { ...config.providerOptions, useAsync: config.useAsyncLlm };
  if (config.apiKey !== undefined) options.apiKey = config.apiKey;
  if (config.baseUrl !== undefined) options.baseUrl = config.baseUrl;
  if (config.timeoutMs !== undefined) options.timeoutMs = config.timeoutMs;
  if (config.maxRetries !== undefined) options.maxRetries = config.maxRetries;
  return options;
}

/** The load effect's bounds as the memory's load options, leaving out the ones not set. */
function loadOptions(effect: { maxTurns: number | undefined; maxTokens: number | undefined }): {
  maxTurns?: number;
  maxTokens?: number;
} {
  return {
    ...(effect.maxTurns === undefined ? {} : { maxTurns: effect.maxTurns }),
    ...(effect.maxTokens === undefined ? {} : { maxTokens: effect.maxTokens }),
  };
}
