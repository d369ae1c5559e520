import { configDefaults, defineConfig } from "vitest/config";
import { sharedTestConfig } from "../../tooling/vitest.shared.ts";

// The load tests time the fake server (100 concurrent requests in under 3 latencies), so they
// run after everything else, alone, instead of beside other test files on a 2-core machine.
// Projects are spelled out rather than `extends: true`, which would concatenate `include` lists.
const LOAD_TESTS = ["src/fake-llm-load.test.ts"];

export default defineConfig({
  test: {
    reporters: sharedTestConfig.test?.reporters,
    outputFile: sharedTestConfig.test?.outputFile,
    projects: [
      {
        ...sharedTestConfig,
        test: {
          ...sharedTestConfig.test,
          name: "unit",
          exclude: [...configDefaults.exclude, ...LOAD_TESTS],
          sequence: { groupOrder: 0 },
        },
      },
      {
        ...sharedTestConfig,
        test: { ...sharedTestConfig.test, name: "load", include: LOAD_TESTS, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
