// The replay server: serves cassettes over real HTTP, so SDK clients and providers run against
// recorded exchanges exactly as against the API. A request is matched by method, path and its
// JSON body (keys in any order); each interaction answers once, in order, then the last match
// answers again. A request no cassette holds gets a 404 naming what was asked, in OpenAI's error
// shape (or Anthropic's when the client sent anthropic-version).
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { frameSse, normaliseBody, type Cassette, type CassetteInteraction } from "./cassette.js";

export interface ReplayServerOptions {
  cassettes: readonly Cassette[];
  /** Top-level body fields left out of matching (e.g. "user", "metadata"). Default none. */
  ignoreBodyFields?: readonly string[];
  port?: number;
  host?: string;
}

export interface ReplayRequest {
  method: string;
  path: string;
  body: unknown;
  /** The cassette and interaction index that answered, or undefined when none matched. */
  matched?: { cassette: string; index: number };
}

export interface ReplayServer {
  readonly url: string;
  readonly openaiBaseUrl: string;
  readonly anthropicBaseUrl: string;
  /** Every request received, in order, with what answered it. */
  readonly requests: readonly ReplayRequest[];
  close(): Promise<void>;
}

interface Entry {
  cassette: string;
  index: number;
  interaction: CassetteInteraction;
  key: string | undefined;
  used: boolean;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const ignore = options.ignoreBodyFields ?? [];
  const entries: Entry[] = options.cassettes.flatMap((cassette) =>
    cassette.interactions.map((interaction, index) => ({
      cassette: cassette.name,
      index,
      interaction,
      key: interaction.request.body === undefined ? undefined : normaliseBody(interaction.request.body, ignore),
      used: false,
    })),
  );
  const requests: ReplayRequest[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = raw === "" ? undefined : JSON.parse(raw);
      } catch {
        body = raw;
      }
      const method = req.method ?? "GET";
      const path = req.url ?? "/";
      const key = body === undefined ? undefined : normaliseBody(body, ignore);
      const fits = (e: Entry) =>
        e.interaction.request.method === method && e.interaction.request.path === path && (e.key === undefined || e.key === key);
      const matches = entries.filter(fits);
      const entry = matches.find((e) => !e.used) ?? matches.at(-1);
      const record: ReplayRequest = { method, path, body };
      requests.push(record);
      if (!entry) {
        const message = `No cassette interaction matches ${method} ${path} with this body (${entries.length} interactions loaded, ${entries.filter((e) => e.interaction.request.path === path).length} on this path). Fix: record this exchange with startRecordingProxy, or check that the request did not change.`;
        const anthropic = req.headers["anthropic-version"] !== undefined;
        res.writeHead(404, { "content-type": "application/json" });
        res.end(
          JSON.stringify(
            anthropic
              ? { type: "error", error: { type: "not_found_error", message } }
              : { error: { message, type: "invalid_request_error", param: null, code: "cassette_miss" } },
          ),
        );
        return;
      }
      entry.used = true;
      record.matched = { cassette: entry.cassette, index: entry.index };
      const { status, headers, body: answer, events } = entry.interaction.response;
      if (events !== undefined) {
        res.writeHead(status, { "content-type": "text/event-stream; charset=utf-8", ...headers, "cache-control": "no-cache" });
        res.end(frameSse(events));
        return;
      }
      const text = typeof answer === "string" ? answer : JSON.stringify(answer ?? null);
      res.writeHead(status, {
        "content-type": "application/json",
        ...headers,
        "content-length": String(Buffer.byteLength(text)),
      });
      res.end(text);
    })();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? "127.0.0.1"}:${port}`;
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
