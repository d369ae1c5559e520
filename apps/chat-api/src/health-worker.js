// The liveness listener's thread (health-listener.ts starts it). Plain JavaScript: a worker thread
// cannot load TypeScript on Node 20, and this file runs as is from src/ (tests) and from dist/.
//
// Its own event loop answers GET /health/live in milliseconds however busy the main loop is, and
// says whether the main loop is making progress: the main thread stamps the time into shared
// memory every few hundred milliseconds; a stamp older than `staleMs` is a 503, so a main loop
// that is stuck (not merely busy) still gets its process restarted.
import { createServer } from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { heartbeat, host, port, backlog, staleMs, info } = workerData;
const stamp = new BigInt64Array(heartbeat);
const started = Date.now();

const server = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { detail: "Only GET /health/live here." });
  if (path !== "/health/live") return send(res, 404, { detail: `Not found: ${path}. This port answers GET /health/live.` });
  const lagMs = Date.now() - Number(Atomics.load(stamp, 0));
  if (lagMs > staleMs) {
    return send(res, 503, { status: "stalled", detail: `The main event loop has not run for ${lagMs} ms.` });
  }
  return send(res, 200, { status: "ok", ...info, uptimeSeconds: Math.round((Date.now() - started) / 1000) });
});

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(text);
}

server.on("error", (err) => parentPort?.postMessage({ type: "error", code: err.code, message: err.message }));
server.listen({ host, port, backlog }, () => {
  const address = server.address();
  parentPort?.postMessage({ type: "listening", port: typeof address === "object" && address ? address.port : port });
});
parentPort?.on("message", (message) => {
  if (message === "close") {
    server.closeAllConnections();
    server.close(() => parentPort?.close());
  }
});
