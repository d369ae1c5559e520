import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeLLMServerThread, type FakeLLMServerThread } from "./fake-llm-thread.js";

let server: FakeLLMServerThread;
beforeAll(async () => {
  server = await startFakeLLMServerThread({ latencyMs: 100 });
});
afterAll(async () => {
  await server.close();
});

it("answers while the calling thread is blocked", async () => {
  const client = new OpenAI({ apiKey: "sk-thread-test-0000000000", baseURL: server.openaiBaseUrl, maxRetries: 0 });
  const pending = client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "What is 2+2?" }] });
  // Block this thread for longer than the server's latency: a same-thread server could not answer meanwhile.
  const until = Date.now() + 150;
  while (Date.now() < until) {
    /* busy */
  }
  const res = await pending;
  expect(res.choices[0]?.message.content).toContain("4");
  const recorded = await server.requests();
  expect(recorded).toHaveLength(1);
  expect(recorded[0]?.headers.authorization).toBe("Bearer [redacted]");
});

it("takes scripted faults and replies across the thread", async () => {
  const client = new OpenAI({ apiKey: "sk-thread-test-0000000000", baseURL: server.openaiBaseUrl, maxRetries: 0 });
  await server.setLatency(0);
  await server.fault({ type: "auth" }, { path: "/v1/chat/completions" });
  await expect(client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] })).rejects.toBeInstanceOf(
    OpenAI.AuthenticationError,
  );
  await server.reply("from the thread");
  const res = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] });
  expect(res.choices[0]?.message.content).toBe("from the thread");
  await server.clearRequests();
  expect(await server.requests()).toEqual([]);
});
