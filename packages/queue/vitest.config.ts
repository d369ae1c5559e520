import { defineConfig, mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../../tooling/vitest.shared.ts";

// Files run one after another: the rate-limit tests read the fake server's arrival times, and a
// 2-core machine busy with another file's worker processes would blur them.
export default mergeConfig(defineConfig(sharedTestConfig), defineConfig({ test: { fileParallelism: false } }));
