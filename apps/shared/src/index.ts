export { QASignature, type QAOutputs } from "./qa-signature.js";
export { envValue, loadDotEnv, secretsFromEnv, userCwd, type Env } from "./env.js";
export { chooseLLM, DEFAULT_ANTHROPIC_MODEL, DEFAULT_OPENAI_MODEL, type LLMChoice } from "./llm-from-env.js";
export { memoryFromEnv, type MemoryChoice, type MemoryFromEnvOptions } from "./memory-from-env.js";
export { startFakeLLM, type FakeLLMOptions, type RunningFakeLLM } from "./fake-llm.js";
export { createQARuntime, type QAAgent, type QARuntime, type QARuntimeOptions } from "./runtime.js";
