#!/usr/bin/env node
// Starts the chat API in the foreground; SIGTERM / SIGINT shut it down gracefully.
import { startServer } from "./server.js";

async function main(): Promise<void> {
  const server = await startServer();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      server.app.log.warn(`${signal} again: exiting now`);
      process.exit(130);
    }
    server.app.log.info(`${signal} received: finishing requests in flight, then exiting`);
    server.close().then(
      () => {
        server.app.log.info("shut down cleanly");
        process.exit(0);
      },
      (err: unknown) => {
        server.app.log.error({ err }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

main().catch((err: unknown) => {
  // Start-up failures (a bad variable, a port in use) are for a person to read: message only.
  const code = (err as { code?: unknown } | null)?.code;
  const hint =
    code === "EADDRINUSE"
      ? " Fix: another process already listens on that port; stop it, or set PORT to a free one (for example PORT=3001 npm start)."
      : "";
  console.error(`[chat-api] failed to start: ${err instanceof Error ? err.message : String(err)}${hint}`);
  process.exit(1);
});
