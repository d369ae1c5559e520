import { defineConfig, mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../../tooling/vitest.shared.ts";

// Files run one after another: the concurrency and timer tests measure wall time, and the other
// files' HTTP load on a 2-core machine would make those measurements about each other.
export default mergeConfig(defineConfig(sharedTestConfig), defineConfig({ test: { fileParallelism: false } }));
