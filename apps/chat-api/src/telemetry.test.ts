// The real server process with OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP collector
// run by this test: the caller's traceparent is continued through the server span into the
// agent's invoke_agent and chat spans, metrics arrive, no prompt text unless opted in, and the
// request's log lines carry the trace id. Without the variable no SDK loads and nothing is sent.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnServer } from "./test-support/spawn-server.js";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}

const dir = mkdtempSync(join(tmpdir(), "kaizen-chat-otel-"));
const received: { path: string; body: string }[] = [];
let collector: Server;
let collectorUrl: string;
beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  const address = collector.address();
  collectorUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function spansOf(bodies: string[]): OtlpSpan[] {
  return bodies.flatMap((b) => {
    const doc = JSON.parse(b) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
    return doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  });
}
const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : (Object.values(v)[0] as unknown);
};

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID = "00f067aa0ba902b7";

describe("OpenTelemetry in the real process", () => {
  it(
    "exports the request's span tree under the caller's traceparent, metrics, and logs the trace id",
    { timeout: 60_000 },
    async () => {
      received.length = 0;
      const server = await spawnServer({
        KAIZEN_DATA_DIR: dir,
        OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
        OTEL_SERVICE_NAME: "chat-api-under-test",
        LOG_LEVEL: "info",
      });
      try {
        expect(server.output.join("\n")).toContain(`OpenTelemetry: spans and metrics to ${collectorUrl}/v1/traces`);
        const res = await fetch(`${server.url}/api/chat/otel-session`, {
          method: "POST",
          headers: { "content-type": "application/json", traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
          body: JSON.stringify({ message: "What is the secret word 7f3a?" }),
        });
        expect(res.status).toBe(200);
      } finally {
        // SIGTERM: the shutdown flushes what the batch processor still holds.
        server.child.kill("SIGTERM");
        expect(await server.exited).toBe(0);
      }
      const traces = received.filter((r) => r.path === "/v1/traces").map((r) => r.body);
      expect(traces.length).toBeGreaterThan(0);
      const spans = spansOf(traces);
      const http = spans.find((s) => s.name === "POST /api/chat/:sessionId");
      const run = spans.find((s) => s.name.startsWith("invoke_agent "));
      const chat = spans.find((s) => s.name.startsWith("chat "));
      expect(http, spans.map((s) => s.name).join(", ")).toBeDefined();
      expect(http!.traceId).toBe(TRACE_ID);
      expect(http!.parentSpanId).toBe(PARENT_ID);
      expect(http!.kind).toBe(2); // SERVER
      expect(attr(http!, "http.response.status_code")).toBe(200);
      expect(run!.name).toBe("invoke_agent QASignature");
      expect(chat!.name).toBe("chat gpt-4o-mini");
      expect(attr(run!, "gen_ai.conversation.id")).toBe("otel-session");
      expect(run!.traceId).toBe(TRACE_ID);
      expect(run!.parentSpanId).toBe(http!.spanId);
      expect(chat!.parentSpanId).toBe(run!.spanId);
      expect(attr(chat!, "gen_ai.operation.name")).toBe("chat");
      expect(attr(chat!, "gen_ai.request.model")).toBe("gpt-4o-mini");
      expect(Number(attr(chat!, "gen_ai.usage.input_tokens"))).toBeGreaterThan(0);
      // The question is nowhere in what was exported: content is opt-in.
      expect(received.map((r) => r.body).join("\n")).not.toContain("secret word 7f3a");
      const resource = JSON.stringify(JSON.parse(traces[0]!) as unknown);
      expect(resource).toContain("chat-api-under-test");

      const metrics = received
        .filter((r) => r.path === "/v1/metrics")
        .map((r) => r.body)
        .join("\n");
      expect(metrics).toContain("gen_ai.client.token.usage");
      expect(metrics).toContain("gen_ai.client.operation.duration");

      const requestLines = server.output
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l["reqId"] !== undefined);
      expect(requestLines.length).toBeGreaterThan(0);
      for (const line of requestLines) expect(line).toMatchObject({ traceId: TRACE_ID, spanId: http!.spanId });
    },
  );

  it("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true puts the prompt on the spans", { timeout: 60_000 }, async () => {
    received.length = 0;
    const server = await spawnServer({
      KAIZEN_DATA_DIR: dir,
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true",
    });
    try {
      const res = await fetch(`${server.url}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: "What is the secret word 7f3a?" }),
      });
      expect(res.status).toBe(200);
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    }
    const traces = received.filter((r) => r.path === "/v1/traces").map((r) => r.body);
    expect(traces.join("\n")).toContain("secret word 7f3a");
    // A request without traceparent starts a new trace, with the server span at its root.
    const http = spansOf(traces).find((s) => s.name === "POST /api/chat");
    expect(http?.parentSpanId ?? "").toBe("");
  });

  it("without an endpoint nothing is exported, and LOG_FORMAT=pretty writes lines for people", { timeout: 60_000 }, async () => {
    received.length = 0;
    const server = await spawnServer({ KAIZEN_DATA_DIR: dir, LOG_FORMAT: "pretty" });
    try {
      const res = await fetch(`${server.url}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json", traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
        body: JSON.stringify({ message: "What is 2+2?" }),
      });
      expect(res.status).toBe(200);
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    }
    expect(received).toEqual([]);
    const log = server.output.join("\n");
    expect(log).not.toContain("OpenTelemetry:");
    expect(server.output.some((l) => l.startsWith("{"))).toBe(false);
    expect(log).toMatch(/INFO.*Kaizen chat API listening on http/);
    // With no SDK the caller's trace id still reaches the request's log lines.
    expect(log).toContain(`traceId: "${TRACE_ID}"`);
  });
});
