import { defineConfig } from "vitest/config";
import { sharedTestConfig } from "../tooling/vitest.shared.ts";

export default defineConfig(sharedTestConfig);
