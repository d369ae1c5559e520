// The lean fetch against real local servers: what the SDKs rely on (headers in every form, bodies,
// streamed responses, abort, connection errors, keep-alive), then the providers' httpClient option.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLLMServerThread } from "@kaizen/testing";
import type { FakeLLMServerThread } from "@kaizen/testing";
import { ConfigurationError } from "@kaizen/contracts";
import { createNodeFetch } from "./node-fetch.js";
import { OpenAIProvider } from "./openai-provider.js";
import { AnthropicProvider } from "./anthropic-provider.js";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];
let connections = 0;
let streamEnded = false;
const closedSockets: net.Socket[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const path = req.url ?? "/";
      if (path === "/no-content") {
        res.writeHead(204).end();
      } else if (path === "/stream") {
        // Two events with a pause: the first must reach the reader before the second is written.
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: one\n\n");
        streamEnded = false;
        setTimeout(() => {
          streamEnded = true;
          res.end("data: two\n\n");
        }, 200);
      } else if (path === "/hang") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("partial");
      } else if (path === "/cut") {
        res.writeHead(200, { "content-type": "text/plain", "content-length": "100" });
        res.write("only part of it");
        setTimeout(() => res.socket?.destroy(), 20);
      } else {
        res.writeHead(201, { "content-type": "application/json", "x-request-id": "req_123", "set-cookie": ["a=1", "b=2"] });
        res.end(JSON.stringify({ echo: Buffer.concat(chunks).toString("utf8") }));
      }
    });
  });
  server.on("connection", (socket: net.Socket) => {
    connections++;
    socket.on("close", () => closedSockets.push(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("createNodeFetch", () => {
  it("sends a string body with its length and headers given as Headers, array or record", async () => {
    const lean = createNodeFetch();
    try {
      for (const headers of [
        new Headers({ "X-Form": "headers" }),
        [["X-Form", "array"]] as Array<[string, string]>,
        { "X-Form": "record" },
      ]) {
        const response = await lean.fetch(`${base}/echo`, { method: "post", headers, body: '{"hi":"é"}' });
        expect(response.status).toBe(201);
        expect(response.headers.get("x-request-id")).toBe("req_123");
        expect(await response.json()).toEqual({ echo: '{"hi":"é"}' });
        const last = seen.at(-1) as Seen;
        expect(last.method).toBe("POST");
        expect(last.headers["content-length"]).toBe(String(Buffer.byteLength('{"hi":"é"}')));
        expect(last.headers["x-form"]).toBe(headers instanceof Headers ? "headers" : Array.isArray(headers) ? "array" : "record");
      }
    } finally {
      lean.close();
    }
  });

  it("sends Uint8Array and ArrayBuffer bodies, and falls back to the global fetch for FormData", async () => {
    const lean = createNodeFetch();
    try {
      const bytes = new TextEncoder().encode("bytes!");
      expect(await (await lean.fetch(`${base}/echo`, { method: "POST", body: bytes })).json()).toEqual({ echo: "bytes!" });
      expect(await (await lean.fetch(`${base}/echo`, { method: "POST", body: bytes.slice().buffer })).json()).toEqual({
        echo: "bytes!",
      });
      const form = new FormData();
      form.set("field", "value");
      await (await lean.fetch(`${base}/echo`, { method: "POST", body: form })).arrayBuffer();
      expect(String((seen.at(-1) as Seen).headers["content-type"])).toMatch(/^multipart\/form-data/);
    } finally {
      lean.close();
    }
  });

  it("gives no body for 204 and HEAD", async () => {
    const lean = createNodeFetch();
    try {
      const noContent = await lean.fetch(`${base}/no-content`);
      expect(noContent.status).toBe(204);
      expect(noContent.body).toBeNull();
      const head = await lean.fetch(`${base}/echo`, { method: "HEAD" });
      expect(head.status).toBe(201);
      expect(head.body).toBeNull();
    } finally {
      lean.close();
    }
  });

  it("streams the body: the first event arrives before the server has finished", async () => {
    const lean = createNodeFetch();
    try {
      const response = await lean.fetch(`${base}/stream`);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n");
      expect(streamEnded).toBe(false);
      let rest = "";
      for (let part = await reader.read(); !part.done; part = await reader.read()) rest += new TextDecoder().decode(part.value);
      expect(rest).toBe("data: two\n\n");
    } finally {
      lean.close();
    }
  });

  it("rejects with an AbortError when the signal fires, before or after the headers", async () => {
    const lean = createNodeFetch();
    try {
      await expect(lean.fetch(`${base}/echo`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });

      const controller = new AbortController();
      const response = await lean.fetch(`${base}/hang`, { signal: controller.signal });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      controller.abort();
      await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" });
    } finally {
      lean.close();
    }
  });

  it("maps connection failures to TypeError('fetch failed') with the socket error as cause, like undici", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const lean = createNodeFetch();
    try {
      const error = (await lean.fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e)) as TypeError & {
        cause?: { code?: string };
      };
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe("fetch failed");
      expect(error.cause?.code).toBe("ECONNREFUSED");
    } finally {
      lean.close();
    }
  });

  it("errors the body stream when the connection drops mid-body", async () => {
    const lean = createNodeFetch();
    try {
      const response = await lean.fetch(`${base}/cut`);
      await expect(response.text()).rejects.toMatchObject({ code: "ECONNRESET" });
    } finally {
      lean.close();
    }
  });

  it("speaks TLS to https URLs", async () => {
    // A bare TCP server: it records the first byte (0x16 opens a TLS handshake) and hangs up.
    let firstByte: number | undefined;
    const tcp = net.createServer((socket) => {
      socket.once("data", (data: Buffer) => {
        firstByte = data[0];
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    const lean = createNodeFetch();
    try {
      const error = await lean.fetch(`https://127.0.0.1:${(tcp.address() as AddressInfo).port}/`).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "TypeError", message: "fetch failed" });
      expect(firstByte).toBe(0x16);
    } finally {
      lean.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });

  it("keeps one connection alive across calls and lets it go on close()", async () => {
    const lean = createNodeFetch();
    const before = connections;
    for (let i = 0; i < 5; i++) await (await lean.fetch(`${base}/echo`, { method: "POST", body: "x" })).text();
    expect(connections - before).toBe(1);
    const closedBefore = closedSockets.length;
    lean.close();
    await expect.poll(() => closedSockets.length, { timeout: 2000 }).toBeGreaterThan(closedBefore);
  });
});

describe("the providers' httpClient option", () => {
  // On another thread: chat() blocks this one.
  let fake: FakeLLMServerThread;
  const KEY = "sk-kaizen-nodefetch-FAKEKEY-7d1c";
  const ask = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hi" }] };

  beforeAll(async () => {
    fake = await startFakeLLMServerThread();
  });
  afterAll(async () => {
    await fake.close();
  });

  // undici's fetch adds `sec-fetch-mode`; node:http does not: that tells the two stacks apart.
  const viaFetch = async () => (await fake.requests()).at(-1)?.headers["sec-fetch-mode"] !== undefined;

  it("uses the lean client by default and the global fetch with httpClient: 'fetch', async and blocking", async () => {
    for (const httpClient of [undefined, "node", "fetch"] as const) {
      const provider = new OpenAIProvider({
        apiKey: KEY,
        baseUrl: fake.openaiBaseUrl,
        useAsync: true,
        ...(httpClient ? { httpClient } : {}),
      });
      try {
        expect((await provider.chatAsync(ask)).content.length).toBeGreaterThan(0);
        expect(await viaFetch()).toBe(httpClient === "fetch");
        expect(provider.chat(ask).content.length).toBeGreaterThan(0);
        expect(await viaFetch()).toBe(httpClient === "fetch");
      } finally {
        await provider.close();
      }
    }
  });

  it("does the same for AnthropicProvider", async () => {
    for (const httpClient of ["node", "fetch"] as const) {
      const provider = new AnthropicProvider({ apiKey: KEY, baseUrl: fake.anthropicBaseUrl, useAsync: true, httpClient });
      try {
        expect((await provider.chatAsync({ ...ask, model: "claude-haiku-4-5" })).content.length).toBeGreaterThan(0);
        expect(await viaFetch()).toBe(httpClient === "fetch");
        expect(provider.chat({ ...ask, model: "claude-haiku-4-5" }).content.length).toBeGreaterThan(0);
        expect(await viaFetch()).toBe(httpClient === "fetch");
      } finally {
        await provider.close();
      }
    }
  });

  it("rejects an unknown httpClient, naming the field", () => {
    const bad = { httpClient: "curl" } as unknown as { httpClient: "node" };
    expect(() => new OpenAIProvider({ apiKey: KEY, ...bad })).toThrow(ConfigurationError);
    expect(() => new AnthropicProvider({ apiKey: KEY, ...bad })).toThrow(/httpClient/);
  });
});
