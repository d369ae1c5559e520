#!/usr/bin/env node
// `npx kaizen-fake-llm --port 8787 --latency 500` (the package's bin; `pnpm fake-llm` in this
// repo): the fake LLM server as a command, for demos and benchmarks that need a model without a network or a key.
import { parseArgs } from "node:util";
import { startFakeLLMServer } from "./fake-llm-server.js";

const USAGE = `Usage: kaizen-fake-llm [--port 8787] [--host 127.0.0.1] [--latency MS] [--stream-delay MS] [--max-recorded N]

Starts a fake LLM server speaking the OpenAI and Anthropic wire protocols.
  --port          port to listen on (0 picks a free one; default 8787)
  --host          interface to bind (default 127.0.0.1)
  --latency       delay before every answer, in ms (default 0)
  --stream-delay  delay between streamed chunks, in ms (default 0)
  --max-recorded  requests kept in memory for inspection (default 1000)
Per request: headers x-fake-latency-ms: N and x-fake-fault: rate_limit|server_error|auth|malformed_json|schema_violation|stall|disconnect|truncated_stream|stream_error`;

function toNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`kaizen-fake-llm: --${name} must be a number >= 0, got "${value}".\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      // pnpm passes a literal "--" through when the user writes `pnpm fake-llm -- --port 1`.
      args: process.argv.slice(2).filter((a) => a !== "--"),
      options: {
        port: { type: "string", short: "p" },
        host: { type: "string" },
        latency: { type: "string", short: "l" },
        "stream-delay": { type: "string" },
        "max-recorded": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`kaizen-fake-llm: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const str = (k: string): string | undefined => (typeof values[k] === "string" ? values[k] : undefined);
  const server = await startFakeLLMServer({
    port: toNumber("port", str("port"), 8787),
    host: str("host") ?? "127.0.0.1",
    latencyMs: toNumber("latency", str("latency"), 0),
    streamChunkDelayMs: toNumber("stream-delay", str("stream-delay"), 0),
    maxRecordedRequests: toNumber("max-recorded", str("max-recorded"), 1000),
  });
  process.stdout.write(
    [
      `Fake LLM server listening on ${server.url}`,
      `  OpenAI:    baseURL ${server.openaiBaseUrl}  (POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models)`,
      `  Anthropic: baseURL ${server.anthropicBaseUrl}  (POST /v1/messages)`,
      `  Any API key works. Press Ctrl+C to stop.`,
      "",
    ].join("\n"),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nkaizen-fake-llm: ${signal}, shutting down\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  const code = (err as { code?: string }).code;
  const hint = code === "EADDRINUSE" ? " The port is taken: pick another with --port, or --port 0 for a free one." : "";
  process.stderr.write(`kaizen-fake-llm: ${err instanceof Error ? err.message : String(err)}.${hint}\n`);
  process.exit(1);
});
