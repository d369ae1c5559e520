// A tiny HTTP proxy for tests: forwards to the fake LLM server and records, per request, whether
// the client hung up before the response finished (what a cancelled stream must do). It can also
// answer some requests itself (e.g. a server that rejects response_format json_schema).
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxyRecord {
  /** The path as the client sent it, query included. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** True when the client closed the connection before the response was complete. */
  clientClosedEarly: boolean;
  /** Resolves when the client side of this exchange is over (finished or closed). */
  closed: Promise<void>;
}

export interface InterceptReply {
  status: number;
  body: unknown;
  /**
   * Instead of a JSON body: these as server-sent events. Plain objects go out as `data:` lines
   * ending with `data: [DONE]` (OpenAI); `{ event, data }` pairs as named events (Anthropic).
   */
  events?: unknown[];
}

export interface RecordingProxy {
  url: string;
  records: ProxyRecord[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

export interface ProxyOptions {
  /** Answer a request here instead of forwarding it. */
  intercept?: (path: string, body: unknown) => InterceptReply | undefined;
  /** Map the client's path to the fake server's (e.g. Azure's deployment paths to /v1/...). */
  rewritePath?: (path: string) => string;
}

export async function startRecordingProxy(target: string, options: ProxyOptions = {}): Promise<RecordingProxy> {
  const { intercept, rewritePath } = options;
  const targetUrl = new URL(target);
  const records: ProxyRecord[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // keep the raw text
      }
      let markClosed!: () => void;
      const record: ProxyRecord = {
        path: req.url ?? "",
        headers: { ...req.headers },
        body,
        clientClosedEarly: false,
        closed: new Promise<void>((resolve) => {
          markClosed = resolve;
        }),
      };
      records.push(record);
      res.on("close", () => {
        record.clientClosedEarly = !res.writableFinished;
        markClosed();
      });
      const reply = intercept?.(req.url ?? "", body);
      if (reply?.events) {
        res.writeHead(reply.status, { "content-type": "text/event-stream" });
        const named = reply.events.every((e) => typeof e === "object" && e !== null && "event" in e && "data" in e);
        const frames = reply.events.map((e) =>
          named
            ? `event: ${String((e as { event: unknown }).event)}\ndata: ${JSON.stringify((e as { data: unknown }).data)}\n\n`
            : `data: ${JSON.stringify(e)}\n\n`,
        );
        res.end(frames.join("") + (named ? "" : "data: [DONE]\n\n"));
        return;
      }
      if (reply) {
        res.writeHead(reply.status, { "content-type": "application/json" });
        res.end(JSON.stringify(reply.body));
        return;
      }
      const upstream = httpRequest(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: req.method,
          path: rewritePath ? rewritePath(req.url ?? "") : req.url,
          headers: { ...req.headers, host: targetUrl.host },
        },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      // The client gone: stop the upstream exchange too.
      res.on("close", () => upstream.destroy());
      upstream.on("error", () => res.destroy());
      upstream.end(raw);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
