// The recording proxy: real HTTP in front of a real API. Point an SDK's baseURL at it; every
// exchange is forwarded to `upstream` as is, streamed back as it arrives, and written to a
// cassette file with API keys and authorization/x-api-key headers left out (and key-like strings
// in bodies redacted), so one real session becomes a regression test for the replay server.
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CASSETTE_VERSION,
  keptHeaders,
  parseSse,
  recordedRequestHeaders,
  redactValue,
  type Cassette,
  type CassetteInteraction,
} from "./cassette.js";

export interface RecordingProxyOptions {
  /** The real API, e.g. "https://api.openai.com" or "https://api.anthropic.com". */
  upstream: string;
  /** Where the cassette is written (rewritten after every exchange, so a crash keeps what was recorded). */
  file: string | URL;
  /** The cassette's name. Default: the file name. */
  name?: string;
  /** Strings redacted wherever they appear (e.g. the API key itself). */
  secrets?: readonly string[];
  /** Default 0: a free port. */
  port?: number;
  host?: string;
}

export interface RecordingProxy {
  /** "http://127.0.0.1:PORT": use as the base URL (append "/v1" for OpenAI-style clients). */
  readonly url: string;
  readonly cassette: Cassette;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts)));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// Hop-by-hop headers and the upstream host are the proxy's own business.
const HOP_BY_HOP = new Set(["host", "connection", "keep-alive", "transfer-encoding", "content-length", "accept-encoding"]);

function forwardHeaders(headers: IncomingHttpHeaders, host: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  // Uncompressed, so the recording can read what passes through.
  return { ...out, host, "accept-encoding": "identity" };
}

export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const upstream = new URL(options.upstream);
  const basePath = upstream.pathname.replace(/\/$/, "");
  const file = typeof options.file === "string" ? options.file : fileURLToPath(options.file);
  const secrets = options.secrets ?? [];
  const cassette: Cassette = {
    version: CASSETTE_VERSION,
    name: options.name ?? file.replace(/^.*[\\/]/, "").replace(/\.json$/, ""),
    source: `recorded from ${upstream.origin}`,
    interactions: [],
  };
  const save = (): void => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(cassette, null, 2)}\n`);
  };
  const send = upstream.protocol === "https:" ? httpsRequest : httpRequest;

  const server = createServer((req, res) => {
    void (async () => {
      const raw = (await readBody(req)).toString("utf8");
      const path = req.url ?? "/";
      const outgoing = send(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: `${basePath}${path}`,
          headers: forwardHeaders(req.headers, upstream.host),
        },
        (answer) => {
          const headers = { ...answer.headers };
          for (const name of Object.keys(headers)) if (HOP_BY_HOP.has(name)) delete headers[name];
          res.writeHead(answer.statusCode ?? 502, headers);
          const parts: Buffer[] = [];
          answer.on("data", (part: Buffer) => {
            parts.push(part);
            res.write(part);
          });
          answer.on("end", () => {
            res.end();
            const text = Buffer.concat(parts).toString("utf8");
            const isStream = /text\/event-stream/i.test(String(answer.headers["content-type"] ?? ""));
            const interaction: CassetteInteraction = {
              request: {
                method: req.method ?? "GET",
                path,
                ...(raw === "" ? {} : { body: redactValue(parseJson(raw), secrets) }),
                headers: recordedRequestHeaders(req.headers),
              },
              response: {
                status: answer.statusCode ?? 0,
                headers: keptHeaders(answer.headers),
                ...(isStream
                  ? { events: redactValue(parseSse(text), secrets) as ReturnType<typeof parseSse> }
                  : { body: redactValue(parseJson(text), secrets) }),
              },
            };
            cassette.interactions.push(interaction);
            save();
          });
          answer.on("error", () => res.destroy());
        },
      );
      outgoing.on("error", (error: Error) => {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: `recording proxy: upstream ${upstream.origin} failed: ${error.message}` } }));
      });
      res.on("close", () => {
        if (!res.writableFinished) outgoing.destroy();
      });
      outgoing.end(raw);
    })();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  save();
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    cassette,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
