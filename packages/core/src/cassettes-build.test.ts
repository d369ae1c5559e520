// The shipped cassettes are what Kaizen really exchanges with each documented response: every
// scenario is recorded here through the recording proxy (real HTTP, real SDK clients) against a
// server answering the documented response, and must equal the shipped file. After a deliberate
// change to what Kaizen sends, rewrite them with KAIZEN_UPDATE_CASSETTES=1.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_CASSETTES_DIR, frameSse, loadCassette, startRecordingProxy, type Cassette } from "@kaizen/testing";
import { CASSETTE_SECRETS, DOC_SCENARIOS, type DocScenario } from "./__fixtures__/doc-cassettes.js";

const UPDATE = process.env["KAIZEN_UPDATE_CASSETTES"] === "1";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kaizen-doc-cassettes-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A server that answers every request with the scenario's documented response. */
async function documented(scenario: DocScenario): Promise<{ url: string; server: Server }> {
  const { status, headers = {}, body, events } = scenario.response;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (events !== undefined) {
        res.writeHead(status, { "content-type": "text/event-stream; charset=utf-8", ...headers });
        res.end(frameSse(events));
      } else {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function record(scenario: DocScenario): Promise<Cassette> {
  const upstream = await documented(scenario);
  const file = join(dir, `${scenario.name}.json`);
  const proxy = await startRecordingProxy({ upstream: upstream.url, file, name: scenario.name, secrets: CASSETTE_SECRETS });
  try {
    await scenario.call(proxy.url);
  } finally {
    await proxy.close();
    upstream.server.closeAllConnections();
    await new Promise((resolve) => upstream.server.close(resolve));
  }
  const cassette = loadCassette(file);
  // The shipped file names the page, and leaves out request headers (SDK versions, user agents).
  return {
    ...cassette,
    source: scenario.source,
    interactions: cassette.interactions.map(({ request: { headers: _headers, ...request }, response }) => ({
      request,
      response,
    })),
  };
}

describe("shipped cassettes", () => {
  it.each(DOC_SCENARIOS.map((s) => [s.name, s] as const))("%s is current", async (_name, scenario) => {
    const cassette = await record(scenario);
    expect(cassette.interactions.length).toBeGreaterThan(0);
    const shipped = fileURLToPath(new URL(`${scenario.name}.json`, BUILTIN_CASSETTES_DIR));
    const text = `${JSON.stringify(cassette, null, 2)}\n`;
    expect(text).not.toMatch(/doc-cassettes-not-a-real-key/);
    if (UPDATE || !existsSync(shipped)) {
      if (!UPDATE) throw new Error(`${shipped} is missing. Fix: run this test with KAIZEN_UPDATE_CASSETTES=1.`);
      writeFileSync(shipped, text);
    }
    expect(JSON.parse(readFileSync(shipped, "utf8"))).toEqual(JSON.parse(text));
  });
});
