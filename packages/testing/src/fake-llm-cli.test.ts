// The CLI as a user runs it: a child process that prints its URLs, answers, and stops cleanly.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const cli = fileURLToPath(new URL("./fake-llm-cli.ts", import.meta.url));

function run(args: string[]) {
  // tsx runs the TypeScript source, so the test does not need a build first.
  const child = spawn(process.execPath, ["--import", "tsx", cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

it("starts with --port 0 --latency, prints its URLs, answers, and exits 0 on SIGTERM", async () => {
  const proc = run(["--port", "0", "--latency", "100"]);
  try {
    const deadline = Date.now() + 15_000;
    while (!/listening on (http:\/\/\S+)/.test(proc.out()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (http:\/\/\S+)/.exec(proc.out())?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(proc.out()).toContain(`${url}/v1`);
    const t0 = Date.now();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "What is 2+2?" }] }),
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
    expect(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toContain(
      "4",
    );
    proc.child.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    expect(proc.out()).toContain("SIGTERM, shutting down");
  } finally {
    proc.child.kill("SIGKILL");
  }
}, 30_000);

it("refuses a bad option with exit code 2 and the usage", async () => {
  const proc = run(["--latency", "soon"]);
  expect(await proc.exited).toBe(2);
  expect(proc.err()).toContain("--latency must be a number");
  expect(proc.err()).toContain("Usage: kaizen-fake-llm");
}, 30_000);
