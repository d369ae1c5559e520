import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { spawnServer, type SpawnedServer } from "./test-support/spawn-server.js";

const dir = mkdtempSync(join(tmpdir(), "kaizen-chat-shutdown-"));
let server: SpawnedServer | undefined;
afterAll(() => {
  server?.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("the real process", () => {
  it(
    "starts on the fake LLM without a key, saying so, and SIGTERM lets a request in flight finish",
    { timeout: 60_000 },
    async () => {
      server = await spawnServer({ KAIZEN_DATA_DIR: dir, FAKE_LLM_LATENCY_MS: "1500", LOG_LEVEL: "info" });
      expect(server.output.join("\n")).toContain("running on the FAKE LLM server");

      const started = Date.now();
      const slow = fetch(`${server.url}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: "What is 2+2?" }),
      });
      await sleep(400);
      server.child.kill("SIGTERM");
      await sleep(200);
      // No new work is accepted meanwhile: the listener is closed (or, on a kept-alive connection, 503).
      const late = await fetch(`${server.url}/health`).then(
        (r) => r.status,
        () => "refused",
      );
      expect([503, "refused"]).toContain(late);

      const res = await slow;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { response: string }).response).toContain("4");
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      expect(await server.exited).toBe(0);
      const log = server.output.join("\n");
      expect(log).toContain("SIGTERM received");
      expect(log).toContain("shut down cleanly");
      // Structured logs: every stdout line is one JSON object.
      for (const line of server.output.filter((l) => l.startsWith("{"))) expect(() => JSON.parse(line) as unknown).not.toThrow();
    },
  );
});
