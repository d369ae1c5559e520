// Image parts on both wire protocols, through the real SDK clients over real HTTP: the fake
// answers the question beside the image, records the image, and refuses a malformed one with the
// 400 the real API gives.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { filesOf, imagesOf } from "./fake-images.js";
import { startFakeLLMServer } from "./fake-llm-server.js";
import type { FakeLLMServer } from "./fake-llm-types.js";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
let server: FakeLLMServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  server = await startFakeLLMServer();
  openai = new OpenAI({ apiKey: "sk-test-images-abcdefgh", baseURL: server.openaiBaseUrl, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "sk-ant-test-images-abcdefgh", baseURL: server.anthropicBaseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.clearRequests();
});

describe("OpenAI image_url parts", () => {
  it("answers the text beside the images and records them (data: URL and https URL, with detail)", async () => {
    const completion = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is 2+3?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "low" } },
            { type: "image_url", image_url: { url: "https://cdn.example.com/r.png" } },
          ],
        },
      ],
    });
    expect(completion.choices[0]?.message.content).toContain("5");
    expect(imagesOf(server.requests.at(-1))).toEqual([
      { protocol: "openai", message: 0, part: 1, kind: "base64", mediaType: "image/png", data: PNG, detail: "low" },
      { protocol: "openai", message: 0, part: 2, kind: "url", url: "https://cdn.example.com/r.png" },
    ]);
  });

  it.each([
    [{ url: "data:image/bmp;base64,AAAA" }, "Expected a base64-encoded data URL with an image MIME type"],
    [{ url: "data:image/png;base64,not base64!" }, "Expected a base64-encoded data URL"],
    [{ url: "./receipt.png" }, "Expected a valid URL"],
    [{}, "Missing required parameter: 'messages[0].content[0].image_url.url'"],
    [{ url: "https://x.example/a.png", detail: "ultra" }, "Supported values are: 'low', 'high', and 'auto'"],
  ])("refuses a malformed image part %j with a 400", async (imageUrl, message) => {
    const error = await openai.chat.completions
      .create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: [{ type: "image_url", image_url: imageUrl as never }] }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain(message);
  });
});

describe("Anthropic image blocks", () => {
  it("answers the text beside the images and records them (base64 and url sources)", async () => {
    const message = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 256,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "image", source: { type: "url", url: "https://cdn.example.com/r.png" } },
            { type: "text", text: "What is 2+3?" },
          ],
        },
      ],
    });
    expect(message.content.map((b) => (b.type === "text" ? b.text : "")).join("")).toContain("5");
    expect(imagesOf(server.requests.at(-1))).toEqual([
      { protocol: "anthropic", message: 0, part: 0, kind: "base64", mediaType: "image/png", data: PNG },
      { protocol: "anthropic", message: 0, part: 1, kind: "url", url: "https://cdn.example.com/r.png" },
    ]);
  });

  it.each([
    [{ type: "base64", media_type: "image/bmp", data: PNG }, "media_type: Input should be 'image/jpeg'"],
    [{ type: "base64", media_type: "image/png", data: "%%%" }, "not valid base64"],
    [{ type: "url", url: "file:///etc/passwd" }, "Input should be a valid URL"],
    [{ type: "path", path: "/tmp/x.png" }, "does not match any of the expected tags"],
  ])("refuses a malformed image block %j with a 400", async (source, message) => {
    const error = await anthropic.messages
      .create({
        model: "claude-sonnet-4-5",
        max_tokens: 256,
        messages: [{ role: "user", content: [{ type: "image", source: source as never }] }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain(message);
  });
});

const PDF = Buffer.from("%PDF-1.7\n%%EOF\n").toString("base64");

describe("PDF documents", () => {
  it("OpenAI file parts are answered and recorded; a non-PDF file_data is a 400", async () => {
    const completion = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        {
          role: "user",
          content: [
            { type: "file", file: { file_data: `data:application/pdf;base64,${PDF}`, filename: "inv.pdf" } },
            { type: "text", text: "What is 4+4?" },
          ],
        },
      ],
    });
    expect(completion.choices[0]?.message.content).toContain("8");
    expect(filesOf(server.requests.at(-1))).toEqual([
      { protocol: "openai", message: 0, part: 0, mediaType: "application/pdf", data: PDF, filename: "inv.pdf" },
    ]);
    const error = await openai.chat.completions
      .create({
        model: "gpt-4o-mini",
        messages: [
          {
            role: "user",
            content: [{ type: "file", file: { file_data: `data:application/pdf;base64,${PNG}`, filename: "x.pdf" } }],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain("Expected a base64-encoded data URL of a PDF");
  });

  it("Anthropic document blocks are answered and recorded; a bad media type is a 400", async () => {
    const message = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 256,
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF }, title: "inv.pdf" },
            { type: "text", text: "What is 4+4?" },
          ],
        },
      ],
    });
    expect(message.content.map((b) => (b.type === "text" ? b.text : "")).join("")).toContain("8");
    expect(filesOf(server.requests.at(-1))).toEqual([
      { protocol: "anthropic", message: 0, part: 0, mediaType: "application/pdf", data: PDF, filename: "inv.pdf" },
    ]);
    const error = await anthropic.messages
      .create({
        model: "claude-sonnet-4-5",
        max_tokens: 256,
        messages: [
          {
            role: "user",
            content: [{ type: "document", source: { type: "base64", media_type: "text/plain" as never, data: PDF } }],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain("media_type: Input should be 'application/pdf'");
  });
});
