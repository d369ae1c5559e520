import { createServer } from "node:http";
import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { SqliteMemory } from "@kaizen/memory";
import {
  BaseAgent,
  BaseAgentConfig,
  ConfigurationError,
  InputValidationError,
  ProviderError,
  SessionIdError,
} from "../../index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Response" });
}

const memory = new SqliteMemory({ path: ".kaizen/memory.db" });
const agent = new BaseAgent({
  config: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4", useAsyncLlm: true }),
  signature: new QASignature(),
  memory,
});

// POST /api/chat {"message": "...", "session_id": "..."}: handles 100+ concurrent requests, since
// runAsync never blocks the event loop.
export const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => {
    const send = (status: number, payload: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
    };
    let parsed: { message?: unknown; session_id?: unknown };
    try {
      parsed = JSON.parse(body || "{}") as typeof parsed;
    } catch {
      return send(400, { detail: 'The body must be JSON: {"message": "...", "session_id": "..."}' });
    }
    const { message, session_id } = parsed;
    if (typeof message !== "string" || (session_id !== undefined && typeof session_id !== "string")) {
      return send(400, { detail: "message must be a string, and session_id a string if given" });
    }
    agent.runAsync({ question: message }, { sessionId: session_id }).then(
      (result) => send(200, { response: result.answer }),
      (error: unknown) => {
        // A bad session id or an empty message is the caller's mistake: 400, with the rule.
        if (error instanceof SessionIdError || error instanceof InputValidationError) send(400, { detail: error.message });
        else if (error instanceof ConfigurationError) send(500, { detail: `Configuration error: ${error.message}` });
        else if (error instanceof ProviderError) send(503, { detail: `Service error: ${error.message}` });
        else send(500, { detail: `Internal error: ${String(error)}` });
      },
    );
  });
});
server.on("close", () => void agent.close().then(() => memory.close()));
server.listen(Number(process.env.PORT ?? 3000), "127.0.0.1");
