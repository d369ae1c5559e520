// Images never reach telemetry: with recordContent on, the chat span's input messages carry each
// image as a short reference (media type and size, or the URL without its query), never the
// bytes. Real OpenAI and Anthropic SDK clients over HTTP to the fake LLM server, with the
// OpenTelemetry SDK's in-memory exporter.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLLMServer } from "@kaizen/testing";
import type { FakeLLMServer } from "@kaizen/testing";
import { registerTestSdk } from "./__fixtures__/otel-sdk.js";
import type { TestSdk } from "./__fixtures__/otel-sdk.js";
import { ReceiptSignature, TINY_PNG, TINY_PNG_BASE64 } from "./__fixtures__/images.js";
import { BaseAgent, BaseAgentConfig } from "./index.js";

let server: FakeLLMServer;
let sdk: TestSdk;
const agents: BaseAgent<ReceiptSignature>[] = [];

beforeAll(async () => {
  sdk = registerTestSdk();
  server = await startFakeLLMServer();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await Promise.all([server.close(), sdk.shutdown()]);
});
beforeEach(() => {
  sdk.reset();
});

function agent(vendor: "openai" | "anthropic"): BaseAgent<ReceiptSignature> {
  const config = new BaseAgentConfig({
    llmProvider: vendor,
    model: vendor === "openai" ? "gpt-4o-mini" : "claude-sonnet-4-5",
    apiKey: vendor === "openai" ? "sk-fake-kaizen-img-otel-01" : "sk-ant-fake-kaizen-img-otel-01",
    baseUrl: vendor === "openai" ? server.openaiBaseUrl : server.anthropicBaseUrl,
    maxTokens: 300,
    useAsyncLlm: true,
    recordContent: true,
  });
  const a = new BaseAgent({ config, signature: new ReceiptSignature() });
  agents.push(a);
  return a;
}

describe.each(["openai", "anthropic"] as const)("telemetry of an image input on %s", (vendor) => {
  it("records the image as a reference, never its bytes or a signed URL's token", async () => {
    const a = agent(vendor);
    await a.runAsync({ receipt: { data: TINY_PNG, mediaType: "image/png" }, question: "What is 2+3?" });
    await a.runAsync({ receipt: "https://cdn.example.com/r.png?X-Amz-Signature=deadbeefsecret", question: "What is 2+3?" });
    const spans = sdk.spans();
    const everything = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
    const inputs = spans.map((s) => s.attributes["gen_ai.input.messages"]).filter((v): v is string => typeof v === "string");
    expect(inputs).toHaveLength(2);
    expect(inputs[0]).toContain(`[image: image/png, ${TINY_PNG.byteLength} bytes]`);
    expect(inputs[0]).toContain("What is 2+3?");
    expect(inputs[1]).toContain("[image: https://cdn.example.com/r.png?…]");
    expect(everything).not.toContain(TINY_PNG_BASE64.slice(0, 24));
    expect(everything).not.toContain("deadbeefsecret");
  });
});
