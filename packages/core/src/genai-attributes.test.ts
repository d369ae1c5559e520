// The names core hard-codes are the ones @opentelemetry/semantic-conventions defines.
import { describe, expect, it } from "vitest";
import * as semconv from "@opentelemetry/semantic-conventions/incubating";
import * as A from "./genai-attributes.js";

describe("GenAI semantic-convention names", () => {
  it("every gen_ai.* and error.type constant matches the conventions package", () => {
    const known = new Set<unknown>(Object.values(semconv));
    const ours = Object.entries(A).filter(([key]) => !key.includes("KAIZEN"));
    expect(ours.length).toBeGreaterThan(20);
    for (const [key, value] of ours) expect(known.has(value), `${key} = ${value}`).toBe(true);
    expect(semconv.ATTR_GEN_AI_RESPONSE_FINISH_REASONS).toBe(A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS);
    expect(semconv.METRIC_GEN_AI_CLIENT_TOKEN_USAGE).toBe(A.METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(semconv.GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT).toBe(A.GEN_AI_OPERATION_INVOKE_AGENT);
  });
});
