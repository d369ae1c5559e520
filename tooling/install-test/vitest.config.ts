import { defineConfig } from "vitest/config";
import { sharedTestConfig } from "../vitest.shared.ts";

// Packing and `npm install` into a blank project take a while the first time (the npm cache
// makes reruns quick), so the hooks get minutes, not seconds.
export default defineConfig({
  ...sharedTestConfig,
  test: { ...sharedTestConfig.test, testTimeout: 120_000, hookTimeout: 240_000 },
});
