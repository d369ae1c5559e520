export { startFakeLLMServer, parseFaultHeader } from "./fake-llm-server.js";
export type {
  FakeFault,
  FakeFaultType,
  FakeFinish,
  FakeFinishReason,
  FakeRefusalCategory,
  FakeLLMServer,
  FakeLLMServerOptions,
  FakeSentToolCall,
  FakeToolCall,
  FakeToolResult,
  RecordedRequest,
  ScriptOptions,
} from "./fake-llm-types.js";
export { sampleFromSchema, violateSchema } from "./schema-sample.js";
export { answerQuestion, findArithmetic } from "./fake-answer.js";
export { embedText, DEFAULT_EMBEDDING_DIMENSIONS } from "./fake-embeddings.js";
export { startFakeLLMServerThread } from "./fake-llm-thread.js";
export { toolResultsOf } from "./fake-tool-calls.js";
export { filesOf, imagesOf } from "./fake-images.js";
export type { FakeFile, FakeImage } from "./fake-images.js";
export type { FakeLLMServerThread, ThreadScriptOptions } from "./fake-llm-thread.js";
export { runProviderConformance, CONFORMANCE_API_KEY } from "./provider-conformance.js";
export type {
  ProviderConformanceContext,
  ProviderConformanceOptions,
  ProviderConformanceSupports,
} from "./provider-conformance.js";
export { runMemoryConformance, type MemoryConformanceOptions } from "./memory-conformance.js";
