// A port already taken is the most common start-up failure: the message says which variable fixes it.
import { createServer, type Server } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnServer } from "./test-support/spawn-server.js";

const dir = mkdtempSync(join(tmpdir(), "kaizen-chat-busy-port-"));
let holder: Server | undefined;
afterAll(async () => {
  await new Promise((resolve) => (holder ? holder.close(resolve) : resolve(undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe("start-up on a busy port", () => {
  it("fails with EADDRINUSE and names PORT as the fix", { timeout: 60_000 }, async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder!.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as { port: number };
    const failure = await spawnServer({ KAIZEN_DATA_DIR: dir, PORT: String(port) }).then(
      () => "started",
      (err: unknown) => (err as Error).message,
    );
    expect(failure).toContain("exited with 1 before listening");
    expect(failure).toContain("EADDRINUSE");
    expect(failure).toContain("set PORT to a free one");
  });
});
