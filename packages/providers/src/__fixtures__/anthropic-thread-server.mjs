// An Anthropic-shaped /v1/messages server on a worker thread, for the tests of the blocking
// chat(): a server on the test's own thread could not answer while the test blocks in
// Atomics.wait. It answers a forced tool with a fixed object and anything else with text.
import { createServer } from "node:http";
import { parentPort } from "node:worker_threads";

let hits = 0;
let rateLimited = 0;
const server = createServer((req, res) => {
  hits++;
  let raw = "";
  req.on("data", (chunk) => (raw += chunk.toString()));
  req.on("end", () => {
    const body = JSON.parse(raw || "{}");
    const headers = { "content-type": "application/json", "request-id": `req_sync_${hits}` };
    if (body.model === "rate-limited" && ++rateLimited === 1) {
      res.writeHead(429, { ...headers, "retry-after-ms": "50" });
      res.end(JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "slow down" } }));
      return;
    }
    const forced = body.tool_choice && body.tool_choice.type === "tool" ? body.tool_choice.name : undefined;
    const content = forced
      ? [{ type: "tool_use", id: "toolu_1", name: forced, input: { answer: "2+2 is 4", confidence: 0.9 } }]
      : [{ type: "text", text: "2+2 is 4" }];
    res.writeHead(200, headers);
    res.end(
      JSON.stringify({
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: body.model,
        content,
        stop_reason: forced ? "tool_use" : "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 2, cache_creation_input_tokens: 0 },
      }),
    );
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
