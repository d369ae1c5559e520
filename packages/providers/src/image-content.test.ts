// Lowering image parts to each wire, checked against the SDKs' own param types at compile time
// (the `satisfies` lines) and against the exact JSON at run time.
import type Anthropic from "@anthropic-ai/sdk";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@kaizen/contracts";
import { toAnthropicMessages } from "./anthropic-messages.js";
import { toOpenAIMessage } from "./openai-tools.js";

const user: ChatMessage = {
  role: "user",
  content: [
    { type: "text", text: "Receipt (receipt):" },
    { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" }, detail: "high" },
    { type: "image", source: { kind: "url", url: "https://cdn.example.com/r.png" } },
    { type: "text", text: "Question (question):\nTotal?" },
  ],
};

describe("image parts on the chat completions wire", () => {
  it("become text and image_url parts, base64 as a data: URL, with detail", () => {
    const message = toOpenAIMessage(user) satisfies ChatCompletionMessageParam;
    expect(message).toEqual({
      role: "user",
      content: [
        { type: "text", text: "Receipt (receipt):" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "high" } },
        { type: "image_url", image_url: { url: "https://cdn.example.com/r.png" } },
        { type: "text", text: "Question (question):\nTotal?" },
      ],
    });
  });

  it("keep string content a string, and system/assistant parts as their text", () => {
    expect(toOpenAIMessage({ role: "user", content: "hi" })).toEqual({ role: "user", content: "hi" });
    expect(toOpenAIMessage({ role: "system", content: [{ type: "text", text: "be brief" }] })).toEqual({
      role: "system",
      content: "be brief",
    });
  });
});

describe("image parts on the Messages wire", () => {
  it("become image blocks with a base64 or url source", () => {
    const { messages } = toAnthropicMessages([{ role: "system", content: "sys" }, user]);
    const expected: Anthropic.MessageParam[] = [
      {
        role: "user",
        content: [
          { type: "text", text: "Receipt (receipt):" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "image", source: { type: "url", url: "https://cdn.example.com/r.png" } },
          { type: "text", text: "Question (question):\nTotal?" },
        ],
      },
    ];
    expect(messages).toEqual(expected);
  });

  it("turn a data: URL source into base64, and merge a following user turn into the same blocks", () => {
    const { messages } = toAnthropicMessages([
      { role: "user", content: "first" },
      { role: "user", content: [{ type: "image", source: { kind: "url", url: "data:image/gif;base64,R0lGODlh" } }] },
    ]);
    expect(messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "first" },
          { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lGODlh" } },
        ],
      },
    ]);
  });
});

describe("PDF file parts", () => {
  const pdf: ChatMessage = {
    role: "user",
    content: [
      { type: "text", text: "Invoice (invoice):" },
      { type: "file", mediaType: "application/pdf", data: "JVBERi0xLjc=", filename: "invoice.pdf" },
    ],
  };

  it("become an OpenAI file part with a data: URL and the filename", () => {
    expect(toOpenAIMessage(pdf) satisfies ChatCompletionMessageParam).toEqual({
      role: "user",
      content: [
        { type: "text", text: "Invoice (invoice):" },
        { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0xLjc=", filename: "invoice.pdf" } },
      ],
    });
  });

  it("become an Anthropic document block with a base64 source and the filename as title", () => {
    const expected: Anthropic.MessageParam[] = [
      {
        role: "user",
        content: [
          { type: "text", text: "Invoice (invoice):" },
          {
            type: "document",
            source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjc=" },
            title: "invoice.pdf",
          },
        ],
      },
    ];
    expect(toAnthropicMessages([pdf]).messages).toEqual(expected);
  });
});
