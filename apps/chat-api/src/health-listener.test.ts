// HEALTH_PORT's listener: it answers from its own thread while the main thread is blocked, and says
// 503 once the main loop's heartbeat is older than staleMs. The probe runs in a child process,
// since this test's own thread is the one being blocked.
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { startHealthListener, type HealthListener } from "./health-listener.js";

let listener: HealthListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

/** Starts a probe process that asks `url` after `delayMs`; resolves with what it saw. */
function probeLater(url: string, delayMs: number) {
  const script = `setTimeout(async () => { const t0 = performance.now(); const r = await fetch(${JSON.stringify(url)}); const body = await r.json(); console.log(JSON.stringify({ status: r.status, body, ms: performance.now() - t0, at: Date.now() })); }, ${delayMs});`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const ready = new Promise<void>((resolve) => child.once("spawn", () => resolve()));
  const result = new Promise<{ status: number; body: Record<string, unknown>; ms: number; at: number }>((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`probe exited ${code}: ${out}`)))),
  );
  return { ready, result };
}

function blockMainThread(ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe("startHealthListener", () => {
  it("answers /health/live with the app's info, and nothing else", async () => {
    listener = await startHealthListener({ host: "127.0.0.1", port: 0, info: { llm: "fake", model: "m", memory: "sqlite" } });
    const base = `http://127.0.0.1:${listener.port}`;
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: "ok", llm: "fake", model: "m", memory: "sqlite" });
    expect((await fetch(`${base}/api/chat`)).status).toBe(404);
  });

  it("answers at once while the main thread is blocked (busy, not stuck)", async () => {
    listener = await startHealthListener({ host: "127.0.0.1", port: 0, staleMs: 30_000, info: {} });
    const url = `http://127.0.0.1:${listener.port}/health/live`;
    const probe = probeLater(url, 300);
    await probe.ready;
    // The child needs its own start-up (~50-150 ms) plus the 300 ms before it asks: the block covers both.
    blockMainThread(2000);
    const blockEnded = Date.now();
    const r = await probe.result;
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(500);
    // Answered while this thread was still blocked.
    expect(r.at).toBeLessThan(blockEnded);
  });

  it("reports a stuck main loop as 503 with the time since its last run", async () => {
    listener = await startHealthListener({ host: "127.0.0.1", port: 0, staleMs: 200, info: {} });
    const url = `http://127.0.0.1:${listener.port}/health/live`;
    const probe = probeLater(url, 600);
    await probe.ready;
    blockMainThread(1800);
    const r = await probe.result;
    expect(r.status).toBe(503);
    expect(r.body["status"]).toBe("stalled");
    expect(String(r.body["detail"])).toMatch(/has not run for \d+ ms/);
    expect(r.ms).toBeLessThan(500);
  });

  it("names the port and the fix when the port is taken", async () => {
    listener = await startHealthListener({ host: "127.0.0.1", port: 0, info: {} });
    await expect(startHealthListener({ host: "127.0.0.1", port: listener.port, info: {} })).rejects.toThrow(
      /HEALTH_PORT \d+ on 127\.0\.0\.1 could not be opened \(EADDRINUSE.*Fix: set HEALTH_PORT to a free port/,
    );
  });
});
