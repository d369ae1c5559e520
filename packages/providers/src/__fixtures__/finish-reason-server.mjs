// OpenAI- and Anthropic-shaped answers the fake LLM server does not write: refusals and content
// filters, plain and streamed. The request's model picks the answer. It runs on a worker thread
// so that blocking chat() calls (Atomics.wait on the test's thread) still get an answer.
import { createServer } from "node:http";
import { parentPort } from "node:worker_threads";

export const REFUSAL = "I can't help with that request.";
export const EXPLANATION = "The request could enable cyber harm.";
const DETAILS = { type: "refusal", category: "cyber", explanation: EXPLANATION };

const completion = (message, finishReason) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", ...message }, logprobs: null, finish_reason: finishReason }],
  usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
});
const chunk = (delta, finishReason = null) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "gpt-4o-mini",
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
});
const message = (stopDetails) => ({
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-haiku-4-5",
  content: [{ type: "text", text: "" }],
  stop_reason: "refusal",
  stop_details: stopDetails,
  stop_sequence: null,
  usage: { input_tokens: 5, output_tokens: 1 },
});

function openai(model, stream) {
  if (model === "filtered") {
    return stream
      ? [chunk({ role: "assistant", content: "Partial" }), chunk({}, "content_filter")]
      : completion({ content: "Partial", refusal: null }, "content_filter");
  }
  return stream
    ? [
        chunk({ role: "assistant", content: "", refusal: null }),
        chunk({ refusal: "I can't help " }),
        chunk({ refusal: "with that request." }),
        chunk({}, "stop"),
      ]
    : completion({ content: null, refusal: REFUSAL }, "stop");
}

function anthropic(model, stream) {
  const details = model === "refusal-bare" ? null : DETAILS;
  if (!stream) return message(details);
  return [
    { type: "message_start", message: { ...message(null), content: [], stop_reason: null } },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_stop", index: 0 },
    {
      type: "message_delta",
      delta: { stop_reason: "refusal", stop_sequence: null, stop_details: details },
      usage: { output_tokens: 1 },
    },
    { type: "message_stop" },
  ];
}

const server = createServer((req, res) => {
  let body = "";
  req.on("data", (part) => (body += part.toString()));
  req.on("end", () => {
    const { model, stream } = JSON.parse(body || "{}");
    const isAnthropic = req.url?.startsWith("/v1/messages") ?? false;
    const answer = isAnthropic ? anthropic(model, stream === true) : openai(model, stream === true);
    if (stream !== true) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const event of answer) res.write(`${isAnthropic ? `event: ${event.type}\n` : ""}data: ${JSON.stringify(event)}\n\n`);
    if (!isAnthropic) res.write("data: [DONE]\n\n");
    res.end();
  });
});
if (parentPort) {
  server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
  parentPort.on("message", (msg) => {
    if (msg === "close") {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
}
