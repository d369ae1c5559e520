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
// The conformance suites import vitest, so they live on their own subpath: @kaizen/testing/conformance.
export {
  BUILTIN_CASSETTES_DIR,
  CASSETTE_VERSION,
  KEPT_RESPONSE_HEADERS,
  REDACTED_HEADERS,
  builtinCassette,
  frameSse,
  loadCassette,
  normaliseBody,
  parseSse,
  recordedRequestHeaders,
  redactValue,
  stableStringify,
} from "./cassette.js";
export type { Cassette, CassetteEvent, CassetteInteraction, CassetteRequest, CassetteResponse } from "./cassette.js";
export { startRecordingProxy } from "./cassette-recorder.js";
export type { RecordingProxy, RecordingProxyOptions } from "./cassette-recorder.js";
export { startReplayServer } from "./cassette-replay.js";
export type { ReplayRequest, ReplayServer, ReplayServerOptions } from "./cassette-replay.js";
