import OpenAI from "openai";
import { startFakeLLMServer } from "../index.js";

// A real HTTP server on a free port, speaking the OpenAI and Anthropic wire protocols.
const server = await startFakeLLMServer({ latencyMs: 50 });
const client = new OpenAI({ apiKey: "sk-any-key-works-here", baseURL: server.openaiBaseUrl, maxRetries: 2 });

const plain = await client.chat.completions.create({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "What is 2+2?" }],
});
console.log(plain.choices[0]?.message.content);

const structured = await client.chat.completions.create({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "What is 6 times 7?" }],
  response_format: {
    type: "json_schema",
    json_schema: {
      name: "qa",
      strict: true,
      schema: {
        type: "object",
        properties: { answer: { type: "string" }, confidence: { type: "number", minimum: 0, maximum: 1 } },
        required: ["answer", "confidence"],
        additionalProperties: false,
      },
    },
  },
});
console.log(structured.choices[0]?.message.content);

// The next request gets a 429 with Retry-After; the SDK waits 100 ms and retries.
server.fault({ type: "rate_limit", retryAfterMs: 100 });
const retried = await client.chat.completions.create({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "What is 10 / 4?" }],
});
console.log(retried.choices[0]?.message.content, `(${server.requests.length} requests seen)`);

await server.close();
