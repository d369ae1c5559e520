// Runs only the deliberately broken providers, for provider-conformance.negative.test.ts.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { sharedTestConfig } from "../../../tooling/vitest.shared.ts";

export default defineConfig({
  ...sharedTestConfig,
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: { ...sharedTestConfig.test, include: ["src/__fixtures__/broken-providers.conformance.ts"] },
});
