// Every shell block of every README, run as a reader would paste it after `npm start` (which
// installs and builds what it needs), in order, checking what it prints. A block that cannot run
// here says why in NOT_RUN; a block that is neither run nor listed fails the first test, so a new
// README command is either tested or explained.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstCommand, readmeFiles, shellBlocks, type ShellBlock } from "./shell-blocks.js";
import { readerEnv, runShell, serve, type Served } from "./run-shell.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "kaizen-readme-commands-"));
const env = readerEnv(root, dataDir);
const all = readmeFiles(root).flatMap((file) => shellBlocks(root, file));

/** Blocks not run here, by README and first command, with the reason and where it is covered. */
const NOT_RUN: Record<string, string> = {
  "README.md: npm start   # installs everything, builds, and starts the chat API on http://127.0.0.1:3000":
    "npm start is run by apps/chat-api/src/npm-start.test.ts (it answers, and SIGTERM frees the port); npm test is the command running this test",
  "apps/chat-api/README.md: npm start": "as above: apps/chat-api/src/npm-start.test.ts",
  "apps/chat-api/README.md: OPENAI_API_KEY=sk-... npm start                 # OpenAI, model gpt-4o-mini unless MODEL is set":
    "needs a real OpenAI or Anthropic key; choosing the provider from the environment is tested in apps/shared/src/runtime.test.ts",
  "apps/chat-api/README.md: docker run --rm -d --name jaeger -p 16686:16686 -p 4318:4318 jaegertracing/jaeger:2.5.0":
    "needs Docker and an image from Docker Hub; apps/chat-api/src/telemetry.test.ts runs the server with OTEL_EXPORTER_OTLP_ENDPOINT set against an OTLP collector of its own",
  "apps/batch/README.md: pnpm --filter @kaizen/batch test": "npm test runs every package's tests",
  "apps/chat-api/README.md: pnpm --filter @kaizen/chat-api test": "npm test runs every package's tests",
  "apps/cli/README.md: pnpm --filter @kaizen/cli test": "npm test runs every package's tests",
  "apps/custom-provider/README.md: pnpm --filter @kaizen/custom-provider test": "npm test runs every package's tests",
  "packages/core/README.md: pnpm add @kaizen/core @kaizen/signatures @kaizen/memory zod":
    "installs from the npm registry, where the packages are not published yet; the install test installs the packed tarballs the same way",
  "packages/mcp/README.md: pnpm add @kaizen/mcp": "as above: not published yet; the install test",
  "packages/memory/README.md: npm install @kaizen/memory            # BufferMemory and SummaryMemory need nothing else":
    "as above: not published yet; the install test",
  "packages/providers/README.md: pnpm add @kaizen/providers                     # brings openai (^6.49.0; your own copy satisfies it)":
    "as above: not published yet; the install test",
  "bench/README.md: pnpm bench:install":
    "starts a local registry and installs two projects from it, 3-5 minutes, for a table; tooling/install-test installs the packed tarballs the same way in every npm test",
  "packages/queue/README.md: pnpm add @kaizen/queue @kaizen/core": "as above: not published yet; the install test",
  "packages/signatures/README.md: pnpm add @kaizen/signatures zod": "as above: not published yet; the install test",
  "bench/README.md: pnpm bench                  # full run, under 10 minutes on 2 cores; updates docs/benchmarks.md":
    "minutes of load on purpose; bench's own tests run the benchmark at a small scale",
};

const keyOf = (b: ShellBlock) => `${b.file}: ${firstCommand(b)}`;
const ran = new Set<string>();

/** The block of `file` whose first command is `first`, marked as run. */
function block(file: string, first: string): string {
  const found = all.find((b) => b.file === file && firstCommand(b) === first);
  if (!found) throw new Error(`${file} has no shell block starting with \`${first}\`: update this test with the README`);
  ran.add(keyOf(found));
  return found.code;
}

async function sh(code: string, opts: { timeoutMs?: number; input?: string } = {}): Promise<string> {
  const r = await runShell(code, { cwd: root, env, timeoutMs: opts.timeoutMs ?? 240_000, ...opts });
  expect(r.code, `exit code of:\n${code}\n--- output ---\n${r.output}`).toBe(0);
  return r.output;
}

/** Runs every line but the last, then the last as a server until `ready` shows in its output. */
async function startBlock(code: string, ready: RegExp): Promise<{ served: Served; match: RegExpExecArray }> {
  const lines = code.split("\n").filter((l) => l.trim() !== "");
  if (lines.length > 1) await sh(lines.slice(0, -1).join("\n"));
  return serve(lines.at(-1)!, { cwd: root, env, ready, timeoutMs: 60_000 });
}

const freePort = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer()
      .once("error", () => resolve(false))
      .listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("README commands", () => {
  it("every shell block is run below or listed in NOT_RUN with a reason", () => {
    expect(all.length).toBeGreaterThan(20);
    const planned = new Set([...Object.keys(NOT_RUN), ...RUN_KEYS]);
    const unplanned = all.map(keyOf).filter((k) => !planned.has(k));
    expect(unplanned, "blocks this test neither runs nor explains").toEqual([]);
    const stale = Object.keys(NOT_RUN).filter((k) => !all.some((b) => keyOf(b) === k));
    expect(stale, "NOT_RUN entries with no such block any more").toEqual([]);
  });

  describe("the chat API, started as its README says, answers the README's curl commands", () => {
    let server: Served;
    let base: string;
    beforeAll(async () => {
      env["PORT"] = "0";
      const started = await startBlock(
        block("apps/chat-api/README.md", "pnpm exec turbo run build --filter=@kaizen/chat-api..."),
        /"url":"http:\/\/([^"]+)"/,
      );
      delete env["PORT"];
      server = started.served;
      base = started.match[1]!;
    }, 300_000);
    afterAll(async () => {
      // Ctrl-C (SIGTERM to the group): the server finishes what is in flight and says so.
      if (!server) return;
      await server.stop();
      expect(server.output()).toContain("shut down cleanly");
    });
    const at = (code: string) => code.replaceAll("localhost:3000", base);

    it("the root README's first request", async () => {
      const out = await sh(
        at(
          block(
            "README.md",
            `curl -s localhost:3000/api/chat -H 'content-type: application/json' -d '{"message":"What is 2+2?"}'`,
          ),
        ),
      );
      expect(Object.keys(JSON.parse(out) as object).sort()).toEqual(["confidence", "response"]);
    });

    it("the chat API README's first request", async () => {
      const out = await sh(
        at(
          block(
            "apps/chat-api/README.md",
            `curl -s localhost:3000/api/chat -H 'content-type: application/json' -d '{"message":"What is 2+2?"}'`,
          ),
        ),
      );
      expect(JSON.parse(out)).toMatchObject({ response: expect.any(String) as string, confidence: expect.any(Number) as number });
    });

    it("memory, the stream and a batch", async () => {
      const out = await sh(
        at(
          block(
            "apps/chat-api/README.md",
            `curl -s localhost:3000/api/chat/alice -H 'content-type: application/json' -d '{"message":"My name is Alice."}'`,
          ),
        ),
      );
      expect(out).toContain('"sessionId":"alice"');
      expect(out).toMatch(/"turns":\[\{"question":"My name is Alice\."/);
      expect(out).toMatch(/event: partial\ndata: /);
      expect(out).toMatch(/event: result\ndata: \{"response":/);
      expect(out).toContain('"succeeded":2,"failed":0');
      expect(out).not.toContain('"detail"');
    });

    it("an image with the question", async () => {
      const out = await sh(
        at(block("apps/chat-api/README.md", "curl -s -X POST localhost:3000/api/chat -H 'content-type: application/json' \\")),
      );
      expect(JSON.parse(out)).toMatchObject({ response: expect.any(String) as string });
    });

    it("the tool mode", async () => {
      const out = await sh(
        at(block("apps/chat-api/README.md", "curl -s localhost:3000/api/chat -H 'content-type: application/json' \\")),
      );
      expect(out).toMatch(/"toolCalls":\[\{"step":1,"id":"[^"]+","name":"calculator"/);
      expect(out).toMatch(/event: tool-call\ndata: \{"step":1,"id":"[^"]+","name":"current_time"/);
      expect(out).toMatch(/event: result\ndata: /);
    });
  });

  describe("the batch app", () => {
    afterAll(() => {
      for (const f of ["questions.jsonl", "results.jsonl"]) rmSync(join(root, f), { force: true });
    });

    it("answers a file of questions into results.jsonl", async () => {
      const out = await sh(block("apps/batch/README.md", "pnpm exec turbo run build --filter=@kaizen/batch..."));
      const results = out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(results.map((r) => r["id"]).sort()).toEqual(["q1", "q2"]);
      expect(results.every((r) => r["status"] === "ok")).toBe(true);
    }, 300_000);

    it("three workers on Redis answer the same file, and stop on SIGTERM", async () => {
      // The block's first line exports a placeholder key (sk-...) a reader replaces with theirs;
      // without a key each worker starts a fake LLM, which is what runs here.
      const code = block(
        "apps/batch/README.md",
        "export OPENAI_API_KEY=sk-...   # or a .env file; without a key each worker starts a fake LLM",
      )
        .split("\n")
        .filter((l) => !l.startsWith("export OPENAI_API_KEY="))
        .join("\n");
      await sh(`${code}\nwait`);
      const lines = readFileSync(join(root, "results.jsonl"), "utf8").trim().split("\n");
      const results = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(results.map((r) => r["id"]).sort()).toEqual(["q1", "q2"]);
      expect(results.every((r) => r["status"] === "ok")).toBe(true);
    }, 180_000);
  });

  it("the CLI: ask, then a chat whose session persists", async () => {
    const out = await sh(block("apps/cli/README.md", "pnpm exec turbo run build --filter=@kaizen/cli..."));
    expect(out).not.toMatch(/error/i);
    expect(out.length).toBeGreaterThan(0);
  }, 300_000);

  it("the custom provider demo, with no endpoint and against an OpenAI-compatible one", async () => {
    const out = await sh(
      block("apps/custom-provider/README.md", "pnpm exec turbo run build --filter=@kaizen/custom-provider..."),
    );
    expect(out).not.toMatch(/error/i);
    // The README's endpoint is Ollama's port; the fake LLM server stands in for Ollama there.
    const compat = block(
      "apps/custom-provider/README.md",
      "COMPAT_BASE_URL=http://localhost:11434/v1 MODEL=llama3.2 pnpm --filter @kaizen/custom-provider start",
    );
    expect(await freePort(11434), "port 11434 (Ollama's) must be free for this test").toBe(true);
    const fake = await serve("node packages/testing/dist/fake-llm-cli.js --port 11434", {
      cwd: root,
      env,
      ready: /http:\/\/\S+/,
      timeoutMs: 30_000,
    });
    try {
      const answered = await sh(compat);
      expect(answered).not.toMatch(/error/i);
    } finally {
      await fake.served.stop();
    }
  }, 300_000);

  it("the fake LLM server's commands start a server that prints its URL", async () => {
    const code = block(
      "packages/testing/README.md",
      "npx kaizen-fake-llm --port 0                       # where @kaizen/testing is installed",
    );
    // The npx line is for a project that installed @kaizen/testing (the repository root has no such
    // bin); tooling/install-test runs exactly that from the packed tarballs. The other lines run here.
    const lines = code
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.trim().startsWith("#") && !l.startsWith("npx kaizen-fake-llm"));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const { served, match } = await serve(line, { cwd: root, env, ready: /http:\/\/127\.0\.0\.1:(\d+)/, timeoutMs: 120_000 });
      const res = await fetch(`http://127.0.0.1:${match[1]}/v1/models`).catch(() => undefined);
      await served.stop();
      expect(res?.status, `${line}: GET /v1/models`).toBe(200);
    }
  }, 300_000);

  it("the bench README's quick commands", async () => {
    // `pnpm bench --quick` and `--no-load` are minutes of load too; the profile command is short.
    const out = await sh(block("bench/README.md", "pnpm exec turbo run build --filter=@kaizen/bench..."));
    expect(out).toMatch(/calls/);
  }, 300_000);
});

/** Every block the tests above run (checked against the READMEs by the first test). */
const RUN_KEYS = [
  "apps/chat-api/README.md: pnpm exec turbo run build --filter=@kaizen/chat-api...",
  `README.md: curl -s localhost:3000/api/chat -H 'content-type: application/json' -d '{"message":"What is 2+2?"}'`,
  `apps/chat-api/README.md: curl -s localhost:3000/api/chat -H 'content-type: application/json' -d '{"message":"What is 2+2?"}'`,
  `apps/chat-api/README.md: curl -s localhost:3000/api/chat/alice -H 'content-type: application/json' -d '{"message":"My name is Alice."}'`,
  "apps/chat-api/README.md: curl -s localhost:3000/api/chat -H 'content-type: application/json' \\",
  "apps/chat-api/README.md: curl -s -X POST localhost:3000/api/chat -H 'content-type: application/json' \\",
  "apps/batch/README.md: pnpm exec turbo run build --filter=@kaizen/batch...",
  "apps/batch/README.md: export OPENAI_API_KEY=sk-...   # or a .env file; without a key each worker starts a fake LLM",
  "apps/cli/README.md: pnpm exec turbo run build --filter=@kaizen/cli...",
  "apps/custom-provider/README.md: pnpm exec turbo run build --filter=@kaizen/custom-provider...",
  "apps/custom-provider/README.md: COMPAT_BASE_URL=http://localhost:11434/v1 MODEL=llama3.2 pnpm --filter @kaizen/custom-provider start",
  "packages/testing/README.md: npx kaizen-fake-llm --port 0                       # where @kaizen/testing is installed",
  "bench/README.md: pnpm exec turbo run build --filter=@kaizen/bench...",
];
