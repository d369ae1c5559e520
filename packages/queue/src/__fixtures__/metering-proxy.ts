// Stands between the workers and the fake LLM server and books what each answer cost, by the
// usage the server reported, against the time its request arrived: the provider's view of a
// tokens-per-minute limit. The fake records requests, not what it answered, hence this proxy.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface MeteredCall {
  receivedAt: number;
  totalTokens: number;
}

export interface MeteringProxy {
  baseUrl: string;
  calls: MeteredCall[];
  close(): Promise<void>;
}

/** `target` is the fake's OpenAI base URL ("http://127.0.0.1:PORT/v1"). */
export async function startMeteringProxy(target: string): Promise<MeteringProxy> {
  const upstream = new URL(target);
  const calls: MeteredCall[] = [];
  const server = createServer((req, res) => {
    const receivedAt = Date.now();
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const body = Buffer.concat(chunks);
          try {
            const usage = (JSON.parse(body.toString()) as { usage?: { total_tokens?: number } }).usage;
            if (typeof usage?.total_tokens === "number") calls.push({ receivedAt, totalTokens: usage.total_tokens });
          } catch {
            // Not a JSON answer (an error page): it cost nothing.
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(body);
        });
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
