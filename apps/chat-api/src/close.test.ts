// app.close() while a kept-alive connection has a request in flight: the request finishes, and
// close() ends as soon as that connection goes idle, not when the client drops it. Node closes
// idle connections once, when close() starts; without the app's sweep the browser test's
// "server goes away" waited out the keep-alive (72 s) whenever a /health poll was in flight.
import http from "node:http";
import { describe, expect, it } from "vitest";
import { startTestApp } from "./test-support/harness.js";

/** POSTs one chat question on `agent` (kept alive) and resolves with the status. */
function ask(url: string, agent: http.Agent): Promise<number> {
  const body = JSON.stringify({ message: "What is 2+2?" });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/api/chat`,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("app.close() with a request in flight on a kept-alive connection", () => {
  for (const [what, maxInFlight] of [
    ["behind the shed gate (MAX_IN_FLIGHT)", 512],
    ["without it", 0],
  ] as const) {
    it(`lets it finish, then closes at once ${what}`, { timeout: 20_000 }, async () => {
      const t = await startTestApp({ fake: { latencyMs: 400 }, app: { maxInFlight } });
      // The client keeps its socket open far longer than the test: only the server can end it.
      const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
      try {
        const url = await t.app.listen({ port: 0, host: "127.0.0.1" });
        const inFlight = ask(url, agent);
        await new Promise((r) => setTimeout(r, 150));
        const started = Date.now();
        await t.app.close();
        expect(await inFlight).toBe(200);
        // The answer takes ~250 ms more; waiting out the keep-alive would take 72 s.
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        agent.destroy();
        await t.close();
      }
    });
  }
});
