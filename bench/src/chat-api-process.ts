// The real chat API (apps/chat-api/dist/main.js, as `npm start` runs it) as a child process of the
// bench, pointed at the bench's fake LLM, with SQLite memory in a temporary directory.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

const mainJs = fileURLToPath(new URL("../../apps/chat-api/dist/main.js", import.meta.url));

export interface ChatApiProcess {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  return typeof address === "object" && address ? address.port : 0;
}

/** Starts the chat API and waits for /health/live; `env` sets its limits (see its README, "Deploying"). */
export async function startChatApi(openaiBaseUrl: string, env: Record<string, string>): Promise<ChatApiProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "kaizen-bench-chat-"));
  const server = spawn(process.execPath, [mainJs], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_") && k !== "INIT_CWD")),
      OPENAI_API_KEY: "sk-bench-not-a-real-key",
      OPENAI_BASE_URL: openaiBaseUrl,
      ANTHROPIC_API_KEY: "",
      REDIS_URL: "",
      DATABASE_URL: "",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      LOG_FORMAT: "json",
      KAIZEN_DATA_DIR: dataDir,
      ...env,
    },
  });
  let stderr = "";
  server.stderr?.setEncoding("utf8");
  server.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill("SIGTERM");
      await Promise.race([once(server, "exit"), sleep(15_000)]);
      if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      if (server.exitCode !== null)
        throw new Error(`the chat API exited with ${server.exitCode} before it was up: ${stderr.trim()}`);
      const up = await fetch(`${url}/health/live`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 300) throw new Error("the chat API did not come up in 30 s");
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, process: server, stop };
}
