export { startFakeLLMServer, parseFaultHeader } from "./fake-llm-server.js";
export type { FakeFault, FakeFaultType, FakeLLMServer, FakeLLMServerOptions, RecordedRequest, ScriptOptions } from "./fake-llm-types.js";
export { sampleFromSchema, violateSchema } from "./schema-sample.js";
export { answerQuestion, findArithmetic } from "./fake-answer.js";
export { embedText, DEFAULT_EMBEDDING_DIMENSIONS } from "./fake-embeddings.js";
export { runMemoryConformance, type MemoryConformanceOptions } from "./memory-conformance.js";
