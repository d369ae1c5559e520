import { describe, expect, it } from "vitest";
import { contentForLog, contentText, describeImageSource, hasFileParts, hasImageParts } from "./content.js";
import { KaizenError, UnsupportedContentError } from "./errors.js";
import type { ContentPart } from "./content.js";

const parts: ContentPart[] = [
  { type: "text", text: "Receipt (receipt):" },
  { type: "image", source: { kind: "base64", mediaType: "image/png", data: Buffer.from("12345").toString("base64") } },
  { type: "text", text: "Currency (currency):\nEUR" },
];

describe("message content", () => {
  it("reads the text of a string and of parts alike", () => {
    expect(contentText("plain")).toBe("plain");
    expect(contentText(parts)).toBe("Receipt (receipt):\n\nCurrency (currency):\nEUR");
    expect(hasImageParts("plain")).toBe(false);
    expect(hasImageParts(parts)).toBe(true);
  });

  it("describes an image by its media type and byte size, never its bytes", () => {
    const log = contentForLog(parts);
    expect(log).toContain("[image: image/png, 5 bytes]");
    expect(log).not.toContain(Buffer.from("12345").toString("base64"));
    for (const n of [1, 2, 3, 4, 1000]) {
      const data = Buffer.alloc(n, 7).toString("base64");
      expect(describeImageSource({ kind: "base64", mediaType: "image/gif", data })).toBe(`[image: image/gif, ${n} bytes]`);
    }
  });

  it("describes a file part by its name, media type and size", () => {
    const data = Buffer.from("%PDF-1.7 hello").toString("base64");
    const log = contentForLog([{ type: "file", mediaType: "application/pdf", data, filename: "invoice.pdf" }]);
    expect(log).toBe("[file: invoice.pdf, application/pdf, 14 bytes]");
    expect(hasFileParts([{ type: "file", mediaType: "application/pdf", data }])).toBe(true);
    expect(hasFileParts(parts)).toBe(false);
  });

  it("keeps a URL without its query string (a signed URL's token stays out of logs)", () => {
    expect(describeImageSource({ kind: "url", url: "https://cdn.example.com/r.png?sig=secret" })).toBe(
      "[image: https://cdn.example.com/r.png?…]",
    );
    expect(describeImageSource({ kind: "url", url: "data:image/png;base64,AAAA" })).toBe("[image: data URL]");
  });

  it("UnsupportedContentError is a KaizenError with a stable code", () => {
    const error = new UnsupportedContentError("no images", { provider: "x", contentType: "image" });
    expect(error).toBeInstanceOf(KaizenError);
    expect(error.code).toBe("unsupported_content");
    expect(error.contentType).toBe("image");
  });
});
