import { startFakeLLMServer } from "@kaizen/testing";
import { AnthropicProvider } from "../index.js";

// The fake server stands in for api.anthropic.com; drop baseUrl (and set ANTHROPIC_API_KEY) for the real API.
const server = await startFakeLLMServer();
const provider = new AnthropicProvider({ apiKey: "sk-ant-demo-key", baseUrl: server.anthropicBaseUrl, useAsync: true });

const response = await provider.chatAsync({
  model: "claude-haiku-4-5",
  messages: [
    { role: "system", content: "Answer briefly." },
    { role: "user", content: "What is 2+2?" },
  ],
  output: {
    name: "Answer",
    schema: {
      type: "object",
      properties: {
        answer: { type: "string" },
        confidence: { type: "number", minimum: 0, maximum: 1 },
      },
      required: ["answer", "confidence"],
    },
  },
});
console.log(response.structuredOutput, response.finishReason);
console.log(response.parsed);

await provider.close();
await server.close();
