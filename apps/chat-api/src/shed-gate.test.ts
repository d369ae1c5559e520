// The gate over a real node:http server: the cap, the held 503, the exempt probe, and the count
// coming back down both when an answer is written and when its client goes away first.
import { once } from "node:events";
import { createServer, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { shedGate } from "./shed-gate.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

async function serve(holdMs: number) {
  const parked: ServerResponse[] = [];
  let shed = 0;
  server = createServer(
    shedGate(
      {
        maxInFlight: 1,
        holdMs,
        retryAfterS: 1,
        headers: { "x-content-type-options": "nosniff" },
        isExempt: (url) => url === "/live",
        onShed: () => (shed += 1),
      },
      (req, res) => {
        // /park holds its slot until the test lets it go; anything else answers at once.
        if (req.url === "/park") parked.push(res);
        else res.end("ok");
      },
    ),
  ).listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, parked, shedCount: () => shed };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe("shedGate", () => {
  it("answers past the cap with a held 503 in the detail shape, with Retry-After and the given headers", async () => {
    const s = await serve(150);
    void fetch(`${s.base}/park`).catch(() => undefined);
    await until(() => s.parked.length === 1);
    const t0 = performance.now();
    const res = await fetch(`${s.base}/chat`, { method: "POST", body: JSON.stringify({ message: "hi" }) });
    const waited = performance.now() - t0;
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.json()).toEqual({ detail: "Service busy: 1 requests are in flight; retry after 1 s." });
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(s.shedCount()).toBe(1);
    // The exempt path is never capped nor held.
    const live = await fetch(`${s.base}/live`);
    expect([live.status, await live.text()]).toEqual([200, "ok"]);
    s.parked[0]?.end("done");
  });

  it("frees the slot when the answer is written", async () => {
    const s = await serve(0);
    void fetch(`${s.base}/park`).catch(() => undefined);
    await until(() => s.parked.length === 1);
    expect((await fetch(`${s.base}/x`)).status).toBe(503);
    s.parked[0]?.end("done");
    await until(() => s.parked[0]?.writableFinished === true);
    const res = await fetch(`${s.base}/x`);
    expect([res.status, await res.text()]).toEqual([200, "ok"]);
  });

  it("frees the slot when the client goes away first, and drops a held 503 for a client that left", async () => {
    const s = await serve(5_000);
    const gone = request(`${s.base}/park`);
    gone.on("error", () => undefined);
    gone.end();
    await until(() => s.parked.length === 1);
    gone.destroy();
    await until(() => s.parked[0]?.destroyed === true);
    const res = await fetch(`${s.base}/x`);
    expect([res.status, await res.text()]).toEqual([200, "ok"]);
  });
});
