// A tiny OpenAI-shaped HTTP server for the sync bridge's own tests. It runs on a worker thread:
// a server on the test's own thread could not answer while the test blocks in Atomics.wait.
import { createServer } from "node:http";
import { parentPort } from "node:worker_threads";

let hits = 0;
const server = createServer((req, res) => {
  hits++;
  let body = "";
  req.on("data", (chunk) => (body += chunk.toString()));
  req.on("end", () => {
    const parsed = JSON.parse(body || "{}");
    if (parsed.model === "rate-limited") {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "2", "x-request-id": "req_429" });
      res.end(JSON.stringify({ error: { message: "slow down", type: "rate_limit" } }));
      return;
    }
    const delay = parsed.model === "slow" ? 300 : parsed.model === "stall" ? 60_000 : 0;
    const timer = setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_ok" });
      res.end(
        JSON.stringify({
          id: "c1",
          object: "chat.completion",
          created: 0,
          model: parsed.model,
          choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    }, delay);
    res.on("close", () => clearTimeout(timer));
  });
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (message) => {
  if (message === "hits") parentPort.postMessage({ hits });
  if (message === "close") {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
