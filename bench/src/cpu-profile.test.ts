import { describe, expect, it } from "vitest";
import { packageOf, summarizeProfile, type CpuProfile } from "./cpu-profile.js";

describe("summarizeProfile", () => {
  it("attributes sampled self time to functions and packages, leaving idle out", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile: CpuProfile = {
      startTime: 0,
      endTime: 1000,
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 3, 4] },
        { id: 2, callFrame: frame("parseOutputs", "file:///work/main/packages/signatures/dist/outputs.js") },
        { id: 3, callFrame: frame("create", "file:///x/node_modules/.pnpm/openai@6.49.0/node_modules/openai/client.mjs") },
        { id: 4, callFrame: frame("(idle)", "") },
      ],
      samples: [2, 2, 3, 4, 2],
      timeDeltas: [100, 100, 200, 5000, 100],
    };
    const s = summarizeProfile(profile);
    expect(s.totalMs).toBeCloseTo(0.5);
    expect(s.functions[0]).toMatchObject({ name: "parseOutputs  packages/signatures/dist/outputs.js:10", selfMs: 0.3 });
    expect(s.packages.map((p) => p.name)).toEqual(["@kaizen/signatures", "openai"]);
    expect(s.packages[0]?.percent).toBeCloseTo(60);
  });

  it("names packages from script URLs", () => {
    expect(packageOf("file:///w/packages/core/src/agent.ts")).toBe("@kaizen/core");
    expect(packageOf("file:///w/node_modules/.pnpm/zod@4.6.7/node_modules/zod/v4/core/parse.js")).toBe("zod");
    expect(packageOf("file:///w/node_modules/@anthropic-ai/sdk/index.mjs")).toBe("@anthropic-ai/sdk");
    expect(packageOf("node:internal/deps/undici/undici")).toBe("undici (Node's fetch)");
    expect(packageOf("node:internal/streams/readable")).toBe("node internals");
    expect(packageOf("")).toBe("(native / VM)");
  });
});
