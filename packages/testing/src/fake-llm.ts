// `@kaizen/testing/fake-llm`: the fake LLM server alone, without the conformance suites (which
// import vitest), for apps, benchmarks and demos that run outside a test runner.
export { parseFaultHeader, startFakeLLMServer } from "./fake-llm-server.js";
export { startFakeLLMServerThread } from "./fake-llm-thread.js";
export { toolResultsOf } from "./fake-tool-calls.js";
export type { FakeLLMServerThread, ThreadScriptOptions } from "./fake-llm-thread.js";
export type {
  FakeFault,
  FakeFaultType,
  FakeLLMServer,
  FakeLLMServerOptions,
  FakeSentToolCall,
  FakeToolCall,
  FakeToolResult,
  RecordedRequest,
  ScriptOptions,
} from "./fake-llm-types.js";
