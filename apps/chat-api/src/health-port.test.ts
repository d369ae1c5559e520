// HEALTH_PORT end to end: the real server (src/main.ts in its own process) answers /health/live on
// its own port as well as on PORT, and a taken HEALTH_PORT stops the start with the fix.
import { createServer, type Server } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnServer } from "./test-support/spawn-server.js";

const dir = mkdtempSync(join(tmpdir(), "kaizen-chat-health-port-"));
let holder: Server | undefined;
afterAll(async () => {
  await new Promise((resolve) => (holder ? holder.close(resolve) : resolve(undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe("HEALTH_PORT", () => {
  it(
    "answers /health/live on its own port with the same fields, and shuts down with the server",
    { timeout: 60_000 },
    async () => {
      const server = await spawnServer({ KAIZEN_DATA_DIR: dir, HEALTH_PORT: "0", LOG_LEVEL: "info", LOG_FORMAT: "json" });
      try {
        const line = server.output.find((l) => l.includes("Liveness probe"));
        const healthUrl = /"healthUrl":"(http:\/\/[^"]+)"/.exec(line ?? "")?.[1];
        expect(healthUrl, server.output.join("\n")).toBeDefined();
        const [own, main] = await Promise.all([fetch(`${healthUrl}/health/live`), fetch(`${server.url}/health/live`)]);
        expect(own.status).toBe(200);
        const ownBody = (await own.json()) as Record<string, unknown>;
        const mainBody = (await main.json()) as Record<string, unknown>;
        expect(Object.keys(ownBody).sort()).toEqual(Object.keys(mainBody).sort());
        expect(ownBody).toMatchObject({
          status: "ok",
          llm: mainBody["llm"],
          model: mainBody["model"],
          memory: mainBody["memory"],
        });
      } finally {
        server.child.kill("SIGTERM");
      }
      expect(await server.exited).toBe(0);
    },
  );

  it("fails the start when HEALTH_PORT is taken, naming it and the fix", { timeout: 60_000 }, async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder!.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as { port: number };
    const failure = await spawnServer({ KAIZEN_DATA_DIR: dir, HEALTH_PORT: String(port) }).then(
      () => "started",
      (err: unknown) => (err as Error).message,
    );
    expect(failure).toContain("exited with 1 before listening");
    expect(failure).toContain(`HEALTH_PORT ${port} on 127.0.0.1 could not be opened (EADDRINUSE`);
    expect(failure).toContain("set HEALTH_PORT to a free port");
  });
});
