// Tests resolve sibling @kaizen/* packages to their TypeScript source, so a change in one
// package is seen by the tests of the packages above it without a rebuild.
import { fileURLToPath } from "node:url";
import type { ViteUserConfig } from "vitest/config";

const packagesDir = fileURLToPath(new URL("../packages/", import.meta.url));

export const kaizenAliases = [
  {
    find: /^@kaizen\/(signatures|provider|providers|core|memory|testing)$/,
    replacement: `${packagesDir}$1/src/index.ts`,
  },
  { find: /^@kaizen\/testing\/(conformance|fake-llm)$/, replacement: `${packagesDir}testing/src/$1.ts` },
  { find: /^@kaizen\/providers\/toolkit$/, replacement: `${packagesDir}providers/src/toolkit.ts` },
];

export const sharedTestConfig: ViteUserConfig = {
  resolve: { alias: kaizenAliases },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The JSON report lets `npm test` close with one "N passed, N failed" line for the whole repo.
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-report.json" },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
};
