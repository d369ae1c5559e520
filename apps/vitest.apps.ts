// The apps' vitest config: the libraries' (sibling @kaizen/* resolve to their TypeScript source),
// plus the apps' own helper package and the fake LLM server's vitest-free entry point.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { kaizenAliases, sharedTestConfig } from "../tooling/vitest.shared.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  ...sharedTestConfig,
  resolve: {
    alias: [
      ...kaizenAliases,
      { find: /^@kaizen\/testing\/fake-llm$/, replacement: here("../packages/testing/src/fake-llm.ts") },
      { find: /^@kaizen\/app-shared$/, replacement: here("./shared/src/index.ts") },
    ],
  },
});
