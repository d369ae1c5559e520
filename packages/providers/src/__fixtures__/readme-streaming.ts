import { startFakeLLMServer } from "@kaizen/testing";
import { createProvider } from "../index.js";

const server = await startFakeLLMServer({ streamChunkDelayMs: 5 });
// Any OpenAI-compatible server (vLLM, LM Studio, a gateway) by its base URL.
const provider = createProvider("openai-compatible", { baseUrl: server.openaiBaseUrl, useAsync: true });

const stream = provider.streamAsync!({
  model: "llama3.1",
  messages: [{ role: "user", content: "What is 2+2?" }],
  output: {
    name: "Answer",
    schema: {
      type: "object",
      properties: { answer: { type: "string" } },
      required: ["answer"],
      additionalProperties: false,
    },
  },
});
for await (const event of stream) {
  if (event.type === "partial-object") console.log("partial:", JSON.stringify(event.object));
  if (event.type === "finish") console.log("final:", JSON.stringify(event.response.parsed), event.response.finishReason);
}

await provider.close?.();
await server.close();
