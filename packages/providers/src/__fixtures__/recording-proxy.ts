// A tiny HTTP proxy for tests: forwards to the fake LLM server and records, per request, whether
// the client hung up before the response finished (what a cancelled stream must do). It can also
// answer some requests itself (e.g. a server that rejects response_format json_schema).
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxyRecord {
  path: string;
  body: unknown;
  /** True when the client closed the connection before the response was complete. */
  clientClosedEarly: boolean;
  /** Resolves when the client side of this exchange is over (finished or closed). */
  closed: Promise<void>;
}

export interface InterceptReply {
  status: number;
  body: unknown;
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

export async function startRecordingProxy(
  target: string,
  intercept?: (path: string, body: unknown) => InterceptReply | undefined,
): Promise<RecordingProxy> {
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
          path: req.url,
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
