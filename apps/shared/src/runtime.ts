import { BaseAgent, BaseAgentConfig } from "@kaizen/core";
import type { Memory } from "@kaizen/memory";
import { envValue, loadDotEnv, secretsFromEnv, type Env } from "./env.js";
import { startFakeLLM, type RunningFakeLLM } from "./fake-llm.js";
import { chooseLLM, type LLMChoice } from "./llm-from-env.js";
import { memoryFromEnv } from "./memory-from-env.js";
import { QASignature } from "./qa-signature.js";
import { builtinTools } from "./chat-tools.js";
import { ToolCallWatch } from "./tool-call-watch.js";

export type QAAgent = BaseAgent<QASignature>;

export interface QARuntimeOptions {
  /** Default: process.env, after loading `.env` from the working directory. */
  env?: Env;
  /** true for runAsync/batchAsync/streamAsync (servers, batch jobs); false for the blocking run(). */
  useAsyncLlm: boolean;
  /** Conversation memory: the SQLite file to use unless REDIS_URL / DATABASE_URL say otherwise. Omit for none. */
  memory?: {
    sqlitePath: string;
    namespace?: string;
    maxTurns?: number;
    /** Ignore REDIS_URL / DATABASE_URL: the blocking run() needs a memory with a synchronous API. */
    sqliteOnly?: boolean;
  };
  /** Options for the fake LLM server, used only when no key is set. */
  fake?: { latencyMs?: number; streamChunkDelayMs?: number; inWorker?: boolean };
  timeoutMs?: number;
  maxRetries?: number;
  /** The most tokens (about four characters each) of earlier turns put into a prompt. Default: no bound. */
  memoryMaxTokens?: number;
  /**
   * Also build `toolAgent`: the same agent (provider, memory, signature) with the built-in
   * calculator and current_time tools. Default false.
   */
  tools?: boolean;
}

export interface QARuntime {
  agent: QAAgent;
  /** With `tools: true`: the agent with the built-in tools, sharing `agent`'s memory. */
  toolAgent: QAAgent | undefined;
  /** Announces each of `toolAgent`'s tool calls just before it runs (see ToolCallWatch). */
  toolCalls: ToolCallWatch;
  memory: Memory | undefined;
  llm: LLMChoice;
  /** One line for the start-up log: which model, where, and which memory. Never a key. */
  description: string;
  /** Values that must never appear in a response or a log line (keys, connection strings). */
  secrets: string[];
  /** Closes the agent, the memory and the fake server, in that order. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the README's QA agent from the environment: the provider chooseLLM picks (starting the
 * fake LLM server when there is no key), the memory memoryFromEnv picks, temperature 0.7 and
 * maxTokens 500 as in the README's example.
 */
export async function createQARuntime(options: QARuntimeOptions): Promise<QARuntime> {
  const env = options.env ?? (loadDotEnv(), process.env);
  const llm = chooseLLM(env);
  let fake: RunningFakeLLM | undefined;
  let memory: Memory | undefined;
  try {
    let provider: { llmProvider: "openai" | "anthropic"; apiKey: string; baseUrl: string | undefined };
    let where: string;
    if (llm.kind === "fake") {
      fake = await startFakeLLM({
        latencyMs: options.fake?.latencyMs ?? intFromEnv(env, "FAKE_LLM_LATENCY_MS"),
        streamChunkDelayMs: options.fake?.streamChunkDelayMs ?? intFromEnv(env, "FAKE_LLM_STREAM_DELAY_MS"),
        inWorker: options.fake?.inWorker,
      });
      // The fake server accepts any key; the OpenAI client insists on having one.
      provider = { llmProvider: "openai", apiKey: "fake-key-no-real-llm", baseUrl: fake.openaiBaseUrl };
      where =
        `the FAKE LLM server at ${fake.url} (no OPENAI_API_KEY or ANTHROPIC_API_KEY set): ` +
        "answers are deterministic stand-ins, not a real model";
    } else {
      provider = { llmProvider: llm.kind, apiKey: llm.apiKey, baseUrl: llm.baseUrl };
      where = `${llm.kind === "openai" ? "OpenAI" : "Anthropic"} model ${llm.model}${llm.baseUrl ? ` at ${llm.baseUrl}` : ""}`;
    }
    const config = new BaseAgentConfig({
      ...provider,
      model: llm.model,
      temperature: 0.7,
      maxTokens: 500,
      useAsyncLlm: options.useAsyncLlm,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      // The GenAI conventions' switch for prompt and answer text on spans: off unless set to true.
      recordContent: envValue(env, "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")?.toLowerCase() === "true",
      memoryMaxTokens: options.memoryMaxTokens,
    });
    let memoryDescription = "no memory";
    if (options.memory) {
      const chosen = memoryFromEnv(options.memory.sqliteOnly ? {} : env, options.memory);
      memory = chosen.memory;
      memoryDescription = `memory in ${chosen.description}`;
    }
    const agent = new BaseAgent({ config, signature: new QASignature(), memory });
    const toolCalls = new ToolCallWatch();
    const toolAgent = options.tools
      ? new BaseAgent({
          config,
          signature: new QASignature(),
          memory,
          tools: builtinTools,
          hooks: { onToolCall: toolCalls.onToolCall },
        })
      : undefined;
    let closing: Promise<void> | undefined;
    const openedMemory = memory;
    const openedFake = fake;
    return {
      agent,
      toolAgent,
      toolCalls,
      memory,
      llm,
      description: `${where}; ${memoryDescription}`,
      secrets: secretsFromEnv(env),
      close: () => {
        closing ??= (async () => {
          await agent.close();
          await toolAgent?.close();
          await openedMemory?.close();
          await openedFake?.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await memory?.close();
    await fake?.close();
    throw err;
  }
}

function intFromEnv(env: Env, name: string): number | undefined {
  const raw = envValue(env, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number of milliseconds (got ${JSON.stringify(raw)}). Fix: set e.g. ${name}=40.`);
  }
  return value;
}
