// `@kaizen/testing/conformance`: the provider and memory conformance suites. They register vitest
// tests when called, so they import vitest (an optional peer); the main entry and
// `@kaizen/testing/fake-llm` stay free of it for apps, benchmarks and demos.
export { runProviderConformance, CONFORMANCE_API_KEY } from "./provider-conformance.js";
export type {
  ProviderConformanceContext,
  ProviderConformanceOptions,
  ProviderConformanceSupports,
} from "./provider-conformance.js";
export { runMemoryConformance, type MemoryConformanceOptions } from "./memory-conformance.js";
