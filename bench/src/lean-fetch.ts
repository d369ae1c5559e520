// An experiment, not a contender: the raw SDK with a `fetch` built on node:http and a keep-alive
// Agent instead of Node's WHATWG fetch. It shows how much of a call's CPU is the HTTP stack
// under the SDK (a provider could make the same choice). Plain http only: the fake server.
import http from "node:http";
import { Readable } from "node:stream";

export function nodeHttpFetch(agent: http.Agent = new http.Agent({ keepAlive: true })): typeof fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const req = http.request(
        url,
        { method: init?.method ?? "GET", headers, agent, signal: init?.signal ?? undefined },
        (res) => {
          const responseHeaders = new Headers();
          for (const [key, value] of Object.entries(res.headers)) {
            if (value !== undefined) responseHeaders.set(key, Array.isArray(value) ? value.join(", ") : value);
          }
          const status = res.statusCode ?? 502;
          // A streamed body, so SSE would work too; 204/304 may not have one.
          const body = status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
          resolve(new Response(body, { status, headers: responseHeaders }));
        },
      );
      req.on("error", reject);
      req.end(typeof init?.body === "string" ? init.body : undefined);
    });
}
