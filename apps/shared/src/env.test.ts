import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { envValue, loadDotEnv, secretsFromEnv, userCwd } from "./env.js";
import { chooseLLM, DEFAULT_ANTHROPIC_MODEL, DEFAULT_OPENAI_MODEL } from "./llm-from-env.js";

const dir = mkdtempSync(join(tmpdir(), "kaizen-app-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("chooseLLM", () => {
  it("prefers OpenAI, then Anthropic, then the fake server", () => {
    expect(chooseLLM({ OPENAI_API_KEY: "sk-o", ANTHROPIC_API_KEY: "sk-a" })).toEqual({
      kind: "openai",
      apiKey: "sk-o",
      baseUrl: undefined,
      model: DEFAULT_OPENAI_MODEL,
    });
    expect(chooseLLM({ ANTHROPIC_API_KEY: "sk-a", ANTHROPIC_BASE_URL: "http://x" })).toEqual({
      kind: "anthropic",
      apiKey: "sk-a",
      baseUrl: "http://x",
      model: DEFAULT_ANTHROPIC_MODEL,
    });
    expect(chooseLLM({})).toEqual({ kind: "fake", model: DEFAULT_OPENAI_MODEL });
  });

  it("treats an empty key as unset and honours MODEL and OPENAI_BASE_URL", () => {
    expect(chooseLLM({ OPENAI_API_KEY: "  ", MODEL: "m1" })).toEqual({ kind: "fake", model: "m1" });
    expect(chooseLLM({ OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://localhost:11434/v1", MODEL: "llama3.2" })).toMatchObject({
      kind: "openai",
      baseUrl: "http://localhost:11434/v1",
      model: "llama3.2",
    });
  });
});

describe("loadDotEnv", () => {
  it("fills unset variables from .env, leaving the environment's own values alone", () => {
    writeFileSync(join(dir, ".env"), '# comment\nPORT=4000\nMODEL=from-file\nQUOTED="a b"\n');
    const env: Record<string, string | undefined> = { MODEL: "from-env" };
    expect(loadDotEnv(dir, env)).toBe(join(dir, ".env"));
    expect(env).toEqual({ MODEL: "from-env", PORT: "4000", QUOTED: "a b" });
  });

  it("returns undefined when there is no .env", () => {
    expect(loadDotEnv(join(dir, "nowhere"), {})).toBeUndefined();
  });
});

describe("helpers", () => {
  it("envValue trims and treats blank as unset; secretsFromEnv lists what must never be shown", () => {
    expect(envValue({ A: " x " }, "A")).toBe("x");
    expect(envValue({ A: "" }, "A")).toBeUndefined();
    expect(secretsFromEnv({ OPENAI_API_KEY: "sk-1", DATABASE_URL: "postgres://u:p@h/d", PORT: "1" })).toEqual([
      "sk-1",
      "postgres://u:p@h/d",
    ]);
  });

  it("userCwd is INIT_CWD under a package script, else the process's cwd", () => {
    expect(userCwd({ npm_lifecycle_event: "start", INIT_CWD: "/somewhere" })).toBe("/somewhere");
    expect(userCwd({ INIT_CWD: "/somewhere" })).toBe(process.cwd());
  });
});
