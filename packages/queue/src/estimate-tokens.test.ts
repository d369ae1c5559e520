import { describe, expect, it } from "vitest";
import { ImageField, InputField, OutputField, Signature } from "@kaizen/signatures";
import { TOKENS_PER_IMAGE, estimateTokens } from "./estimate-tokens.js";
import type { QueueAgent } from "./types.js";

class Receipt extends Signature {
  receipt = ImageField({ description: "Photo of the receipt" });
  note = InputField({ description: "Note" });
  total = OutputField({ description: "Total" });
}

const agent = { signature: new Receipt(), config: { maxTokens: 100 } } as unknown as QueueAgent<unknown, unknown>;

describe("estimateTokens", () => {
  it("counts each image input at a fixed budget, not by the length of its URL or bytes", () => {
    const withUrl = estimateTokens(agent, { receipt: "https://cdn.example.com/r.png", note: "hi" });
    const withData = estimateTokens(agent, { receipt: `data:image/png;base64,${"A".repeat(40_000)}`, note: "hi" });
    const without = estimateTokens(agent, { note: "hi" });
    expect(withUrl - without).toBeGreaterThanOrEqual(TOKENS_PER_IMAGE);
    expect(withData).toBe(withUrl);
  });
});
