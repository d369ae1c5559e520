import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ImageField,
  InputField,
  InputValidationError,
  OutputField,
  Signature,
  describeSignature,
  imageReference,
  renderSystemPrompt,
  renderUserContent,
  renderUserMessage,
  validateInputs,
  withImageReferences,
} from "./index.js";
import { JPEG_BYTES, TINY_PNG, TINY_PNG_BASE64 } from "./__fixtures__/images.js";

class ReceiptSignature extends Signature {
  static override description = "Read the receipt.";
  receipt = ImageField({ description: "Photo of the receipt" });
  currency = InputField({ description: "Currency to report in", schema: z.string().default("EUR") });
  total = OutputField({ description: "Total amount", schema: z.number() });
}

class SmallImage extends Signature {
  photo = ImageField({ description: "A thumbnail", maxBytes: 10, mediaTypes: ["image/png"], detail: "low" });
  caption = OutputField({ description: "Caption" });
}

function inputError(fn: () => unknown): InputValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return error as InputValidationError;
  }
  throw new Error("expected an InputValidationError");
}

const sig = new ReceiptSignature();

describe("ImageField", () => {
  it("accepts bytes with a media type and turns them into a base64 image part", () => {
    const inputs = validateInputs(sig, { receipt: { data: TINY_PNG, mediaType: "image/png" } });
    expect(inputs.receipt).toEqual({ type: "image", source: { kind: "base64", mediaType: "image/png", data: TINY_PNG_BASE64 } });
    expect(inputs.currency).toBe("EUR");
  });

  it("accepts an https URL (string or URL) and a base64 data: URL", () => {
    expect(validateInputs(sig, { receipt: "https://cdn.example.com/r.png" }).receipt).toEqual({
      type: "image",
      source: { kind: "url", url: "https://cdn.example.com/r.png" },
    });
    expect(validateInputs(sig, { receipt: new URL("https://cdn.example.com/a b.png") }).receipt.source).toEqual({
      kind: "url",
      url: "https://cdn.example.com/a%20b.png",
    });
    expect(validateInputs(sig, { receipt: `data:image/png;base64,${TINY_PNG_BASE64}` }).receipt.source).toEqual({
      kind: "base64",
      mediaType: "image/png",
      data: TINY_PNG_BASE64,
    });
  });

  it("rejects a media type the vendors do not take, naming the field and the accepted types", () => {
    const error = inputError(() => validateInputs(sig, { receipt: { data: TINY_PNG, mediaType: "image/bmp" } }));
    expect(error.field).toBe("receipt");
    expect(error.message).toContain('"receipt"');
    expect(error.message).toContain(
      'media type "image/bmp" is not accepted; use one of image/jpeg, image/png, image/gif, image/webp',
    );
    const fromDataUrl = inputError(() => validateInputs(sig, { receipt: `data:image/tiff;base64,${TINY_PNG_BASE64}` }));
    expect(fromDataUrl.message).toContain('"image/tiff"');
    // The received value is described by its length, not quoted: no image bytes in messages or logs.
    expect(fromDataUrl.message).toContain(
      `data: URL string (${"data:image/tiff;base64,".length + TINY_PNG_BASE64.length} characters)`,
    );
    expect(fromDataUrl.message).not.toContain(TINY_PNG_BASE64.slice(0, 12));
  });

  it("rejects an image over the byte limit, naming the field, the size, the limit and the fix", () => {
    const error = inputError(() => validateInputs(new SmallImage(), { photo: { data: TINY_PNG, mediaType: "image/png" } }));
    expect(error.field).toBe("photo");
    expect(error.message).toContain(`the image is ${TINY_PNG.byteLength} bytes, over the limit of 10 bytes (maxBytes)`);
    expect(error.message).toContain("resize or compress it");
    // The default limit is 5 MB.
    const big = Buffer.alloc(5 * 1024 * 1024 + 1);
    TINY_PNG.copy(big);
    const tooBig = inputError(() => validateInputs(sig, { receipt: { data: big, mediaType: "image/png" } }));
    expect(tooBig.message).toContain("over the limit of 5 MB (maxBytes)");
    expect(tooBig.message.length).toBeLessThan(600);
  });

  it("rejects bytes that are not what the media type says", () => {
    const error = inputError(() => validateInputs(sig, { receipt: { data: JPEG_BYTES, mediaType: "image/png" } }));
    expect(error.message).toContain('the bytes are image/jpeg but mediaType says image/png; pass mediaType "image/jpeg"');
  });

  it("never reads a file path, and says what to do instead", () => {
    const error = inputError(() => validateInputs(sig, { receipt: "./receipt.png" }));
    expect(error.field).toBe("receipt");
    expect(error.message).toContain("a file path is not read: pass { data: await readFile(path), mediaType }");
    expect(inputError(() => validateInputs(sig, { receipt: "http://insecure.example.com/r.png" })).field).toBe("receipt");
    expect(inputError(() => validateInputs(sig, { receipt: { data: "abc", mediaType: "image/png" } })).message).toContain(
      "`data` must be a Buffer or Uint8Array",
    );
    expect(inputError(() => validateInputs(sig, { receipt: 42 })).field).toBe("receipt");
  });

  it("tells the model the input is an image", () => {
    expect(describeSignature(sig).inputs.receipt?.type).toBe("image");
    expect(renderSystemPrompt(sig)).toContain("- receipt: image — Photo of the receipt");
  });
});

describe("renderUserContent", () => {
  it("puts each image right after its heading, text inputs as text parts", () => {
    const inputs = validateInputs(sig, { receipt: { data: TINY_PNG, mediaType: "image/png" }, currency: "USD" });
    expect(renderUserContent(sig, inputs)).toEqual([
      { type: "text", text: "Photo of the receipt (receipt):" },
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: TINY_PNG_BASE64 } },
      { type: "text", text: "Currency to report in (currency):\nUSD" },
    ]);
    expect(renderUserContent(new SmallImage(), validateInputs(new SmallImage(), { photo: "https://x.example/p.png" }))).toEqual([
      { type: "text", text: "A thumbnail (photo):" },
      { type: "image", source: { kind: "url", url: "https://x.example/p.png" }, detail: "low" },
    ]);
  });

  it("keeps a signature without images a plain string", () => {
    class Plain extends Signature {
      q = InputField({ description: "Question" });
      a = OutputField({ description: "Answer" });
    }
    expect(renderUserContent(new Plain(), { q: "hi" })).toBe("Question (q):\nhi");
  });

  it("stores a reference (sha256, media type, size; or the URL), and renders it as text, never the bytes", () => {
    const inputs = validateInputs(sig, { receipt: { data: TINY_PNG, mediaType: "image/png" } });
    const stored = withImageReferences(describeSignature(sig).inputs ? Object.values(describeSignature(sig).inputs) : [], inputs);
    const sha256 = createHash("sha256").update(TINY_PNG).digest("hex");
    expect(stored.receipt).toEqual({ type: "image-ref", sha256, mediaType: "image/png", bytes: TINY_PNG.byteLength });
    expect(JSON.stringify(stored)).not.toContain(TINY_PNG_BASE64.slice(0, 20));
    expect(renderUserContent(sig, stored)).toBe(
      `Photo of the receipt (receipt):\n[image: image/png, ${TINY_PNG.byteLength} bytes, sha256 ${sha256}]\n\nCurrency to report in (currency):\nEUR`,
    );
    expect(renderUserMessage(sig, inputs)).toContain(`sha256 ${sha256}`);
    expect(imageReference({ type: "image", source: { kind: "url", url: "https://x.example/p.png" } })).toEqual({
      type: "image-ref",
      url: "https://x.example/p.png",
    });
    const viaDataUrl = imageReference({
      type: "image",
      source: { kind: "url", url: `data:image/png;base64,${TINY_PNG_BASE64}` },
    });
    expect(viaDataUrl).toEqual({ type: "image-ref", sha256, mediaType: "image/png", bytes: TINY_PNG.byteLength });
  });
});

describe("ImageField({ optional: true })", () => {
  class MaybePhoto extends Signature {
    photo = ImageField({ description: "Optional photo", optional: true });
    note = InputField({ description: "Note" });
    reply = OutputField({ description: "Reply" });
  }
  const maybe = new MaybePhoto();

  it("may be left out (no image part), and is still checked when given", () => {
    expect(describeSignature(maybe).inputs.photo?.optional).toBe(true);
    expect(renderUserContent(maybe, validateInputs(maybe, { note: "hi" }))).toBe("Note (note):\nhi");
    expect(renderUserContent(maybe, validateInputs(maybe, { photo: "https://x.example/p.png", note: "hi" }))).toEqual([
      { type: "text", text: "Optional photo (photo):" },
      { type: "image", source: { kind: "url", url: "https://x.example/p.png" } },
      { type: "text", text: "Note (note):\nhi" },
    ]);
    expect(inputError(() => validateInputs(maybe, { photo: "./p.png", note: "hi" })).field).toBe("photo");
  });
});
