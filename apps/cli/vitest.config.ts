import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { kaizenAliases, sharedTestConfig } from "../../tooling/vitest.shared.ts";

// The apps share one helper package; tests see its source like the libraries' (no rebuild).
export default defineConfig({
  ...sharedTestConfig,
  resolve: {
    alias: [
      ...kaizenAliases,
      { find: /^@kaizen\/app-shared$/, replacement: fileURLToPath(new URL("../shared/src/index.ts", import.meta.url)) },
    ],
  },
});
