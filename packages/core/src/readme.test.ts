// The README's examples are the files in __fixtures__/readme (imports aside), and each runs here
// against the fake LLM server on a worker thread (run() blocks this thread), through the env
// variables the README tells users to set.
import { readFileSync, readdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";
import { ASYNC_MODE_MESSAGE, BaseAgentConfig } from "./index.js";
import { readmeBlock } from "../../../tooling/readme-blocks.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const fixtures = new URL("./__fixtures__/readme/", import.meta.url);
const names = readdirSync(fixtures).map((f) => f.replace(/\.ts$/, ""));

function block(marker: string): string {
  return readmeBlock(readme, marker);
}

let server: FakeLLMServerThread;
const saved = { base: process.env.OPENAI_BASE_URL, key: process.env.OPENAI_API_KEY, port: process.env.PORT };
beforeAll(async () => {
  server = await startFakeLLMServerThread();
  process.env.OPENAI_BASE_URL = server.openaiBaseUrl;
  process.env.OPENAI_API_KEY = "sk-fake-readme-0000000000";
  process.env.PORT = "0";
});
afterAll(async () => {
  for (const [name, value] of [
    ["OPENAI_BASE_URL", saved.base],
    ["OPENAI_API_KEY", saved.key],
    ["PORT", saved.port],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await server.close();
});

/** Imports an example and returns what it printed with console.log. */
async function runExample(name: string): Promise<string[]> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation(
    (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")),
  );
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  await import(`./__fixtures__/readme/${name}.ts`);
  return lines;
}

describe("README", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(names)("shows the %s example exactly as the package runs it", (name) => {
    const source = readFileSync(new URL(`${name}.ts`, fixtures), "utf8");
    expect(block(`example: ${name}`)).toBe(source.replaceAll('from "../../index.js"', 'from "@kaizen/core"').trimEnd());
  });

  it("quotes the async-mode message and the config problems exactly", () => {
    expect(block("async-mode-message")).toBe(ASYNC_MODE_MESSAGE);
    let message = "";
    try {
      new BaseAgentConfig({ model: "gpt-4", temperature: 3, useAsyncLlm: "yes" as unknown as boolean });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(block("config-problems")).toBe(message);
  });

  it("quick-start answers 2+2", async () => {
    const [answer, confidence] = await runExample("quick-start");
    expect(answer).toContain("4");
    expect(Number(confidence)).toBeGreaterThanOrEqual(0);
  });

  it("images sends the photo as an image part and refuses an oversized one before any request", async () => {
    const before = (await server.requests()).length;
    const [answer, refused] = await runExample("images");
    expect(answer).toContain("5");
    expect(refused).toMatch(/^receipt .*the image is 6 MB, over the limit of 5 MB \(maxBytes\)/);
    const sent = (await server.requests()).slice(before).filter((r) => r.path === "/v1/chat/completions");
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.body)).toContain('"type":"image_url"');
  });

  it("sync-run blocks and returns the answer", async () => {
    expect(await runExample("sync-run")).toHaveLength(1);
  });

  it("concurrent runs 100 with Promise.all and batchAsync", async () => {
    const lines = await runExample("concurrent");
    expect(lines[0]).toBe("100");
    expect(lines).toHaveLength(101);
  });

  it("sessions keeps two turns", async () => {
    expect((await runExample("sessions")).at(-1)).toBe("2");
  });

  it("errors maps a good run to 200", async () => {
    expect((await runExample("errors"))[0]).toContain('"status":200');
  });

  it("validation prints the async-mode message and the config problems", async () => {
    const lines = await runExample("validation");
    expect(lines.slice(1)).toEqual([ASYNC_MODE_MESSAGE, block("config-problems")]);
  });

  it("run-info prints only the output fields, then the info", async () => {
    const [json, info] = await runExample("run-info");
    expect(Object.keys(JSON.parse(json!) as object)).toEqual(["answer"]);
    expect(info).toMatch(/^1 \d+ /);
  });

  it("hooks log around the run", async () => {
    const lines = await runExample("hooks");
    expect(lines).toEqual(["run 1 starts (session none)", expect.stringMatching(/^run 1 took 1 attempt\(s\), \d+ tokens$/)]);
  });

  it("streaming ends with the validated confidence", async () => {
    const lines = await runExample("streaming");
    expect(Number(lines.at(-1))).toBeGreaterThanOrEqual(0);
  });

  it("tools calls get_weather once, then answers with the signature's output", async () => {
    const [type, ...calls] = await runExample("tools");
    expect(type).toBe("string");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^get_weather ok \{"city":".*","tempC":21\}$/);
  });

  it("server answers POST /api/chat", async () => {
    await runExample("server");
    const { server: http } = (await import("./__fixtures__/readme/server.js")) as { server: Server };
    if (!http.listening) await new Promise((resolve) => http.once("listening", resolve));
    const { port } = http.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ message: "What is 2+2?", session_id: `readme-${Date.now()}` }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { response: string }).response).toContain("4");
    // A body that is not JSON and a session id that breaks the rules are 400s, and the server lives on.
    const notJson = await fetch(`http://127.0.0.1:${port}/api/chat`, { method: "POST", body: "message=hi" });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { detail: string }).detail).toContain("must be JSON");
    const badSession = await fetch(`http://127.0.0.1:${port}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ message: "hi", session_id: "../../etc/passwd" }),
    });
    expect(badSession.status).toBe(400);
    expect(((await badSession.json()) as { detail: string }).detail).toMatch(/session/i);
    const again = await fetch(`http://127.0.0.1:${port}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ message: "What is 2+2?" }),
    });
    expect(again.status).toBe(200);
    await new Promise((resolve) => http.close(resolve));
  });
});
