import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServer, type FakeLLMServer } from "@kaizen/testing";
import { runCli } from "./test-support/run-cli.js";

const KEY = "sk-test-cli-0123456789abcdefghijkl";
let fake: FakeLLMServer;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), "kaizen-cli-"));
beforeAll(async () => {
  // The CLI blocks its own thread in run(); this server lives in the test process, so it answers.
  fake = await startFakeLLMServer();
  env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseUrl, KAIZEN_DATA_DIR: dir };
});
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lastChatBody = () => JSON.stringify(fake.requests.filter((r) => r.path.endsWith("/chat/completions")).at(-1)?.body);

describe("kaizen ask", () => {
  it("prints the answer of the blocking run() and its confidence", async () => {
    const run = await runCli(["ask", "What is 2+2?"], env);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toContain("4");
    expect(run.stderr).toMatch(/confidence (0\.\d\d|1\.00)/);
    expect(lastChatBody()).toContain("What is 2+2?");
  }, 60_000);

  it("--json prints exactly the signature's outputs", async () => {
    const run = await runCli(["ask", "--json", "What is 5*5?"], env);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual(["answer", "confidence"]);
    expect(String(result["answer"])).toContain("25");
  }, 60_000);

  it("works with no key at all, on a fake server on its own thread", async () => {
    const run = await runCli(["ask", "What is 3+3?"], { KAIZEN_DATA_DIR: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("fake LLM server");
    expect(run.stdout).toContain("6");
  }, 60_000);

  it("a provider failure exits 1 with the typed error, never the key", async () => {
    fake.fault({ type: "auth" });
    const run = await runCli(["ask", "What is 2+2?"], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/authentication failed/i);
    expect(run.stderr).not.toContain(KEY);
  }, 60_000);

  it("exits 2 with the usage for a missing question or an unknown command", async () => {
    expect((await runCli(["ask"], env)).code).toBe(2);
    const unknown = await runCli(["fly"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Usage:");
  }, 60_000);
});

describe("kaizen chat", () => {
  it("keeps the conversation in SQLite across two invocations", async () => {
    const first = await runCli(["chat"], env, "My name is Ada Lovelace.\nWhat is 2+2?\n");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/kaizen: .*4/);
    const sessionFile = join(dir, "cli-session");
    expect(existsSync(sessionFile)).toBe(true);
    expect(existsSync(join(dir, "cli.db"))).toBe(true);
    const sessionId = readFileSync(sessionFile, "utf8").trim();

    const second = await runCli(["chat"], env, "What is my name?\n/history\n");
    expect(second.code).toBe(0);
    // The first invocation's turns travelled to the model with the new question...
    expect(lastChatBody()).toContain("My name is Ada Lovelace.");
    expect(lastChatBody()).toContain("What is my name?");
    // ...and /history lists all three turns of the session.
    expect(second.stdout.match(/^you: /gm)).toHaveLength(3);
    expect(readFileSync(sessionFile, "utf8").trim()).toBe(sessionId);
  }, 60_000);

  it("--session picks a conversation; --new starts a fresh one", async () => {
    await runCli(["chat", "--session", "named-session"], env, "Remember the word zucchini.\n");
    await runCli(["chat", "--session", "named-session"], env, "Which word?\n");
    expect(lastChatBody()).toContain("zucchini");

    const before = readFileSync(join(dir, "cli-session"), "utf8").trim();
    const fresh = await runCli(["chat", "--new"], env, "/history\n");
    expect(fresh.stdout).toContain("(no turns yet)");
    expect(readFileSync(join(dir, "cli-session"), "utf8").trim()).not.toBe(before);
  }, 60_000);
  it("treats /help, /clear and a mistyped /command as commands, never as questions", async () => {
    const before = fake.requests.length;
    const run = await runCli(["chat", "--session", "commands"], env, "/help\n/nope\nWhat is 2+2?\n/clear\n/history\n");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Commands: /help this list, /history");
    expect(run.stdout).toContain("unknown command /nope.");
    expect(run.stdout).toMatch(/kaizen: .*4/);
    expect(run.stdout).toContain("(session commands cleared)");
    expect(run.stdout).toContain("(no turns yet)");
    const asked = fake.requests.slice(before).filter((r) => r.path.endsWith("/chat/completions"));
    expect(asked).toHaveLength(1);
    expect(JSON.stringify(asked[0]?.body)).not.toMatch(/\/help|\/nope|\/clear/);
  }, 60_000);
});
