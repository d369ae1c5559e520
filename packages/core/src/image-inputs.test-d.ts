import { describe, expectTypeOf, it } from "vitest";
import { FileField, ImageField, InputField, OutputField, Signature } from "@kaizen/signatures";
import type { BaseAgent } from "./index.js";

class ReceiptSignature extends Signature {
  receipt = ImageField({ description: "Photo of the receipt" });
  attachment = FileField({ description: "PDF copy" });
  question = InputField({ description: "Question" });
  total = OutputField({ description: "Total" });
}

declare const agent: BaseAgent<ReceiptSignature>;
declare const bytes: Buffer;

describe("image and file inputs at the call site", () => {
  it("take URLs, data: URLs and bytes with a media type", () => {
    expectTypeOf(
      agent.runAsync({
        receipt: { data: bytes, mediaType: "image/jpeg" },
        attachment: { data: bytes, mediaType: "application/pdf" },
        question: "Total?",
      }),
    ).resolves.toEqualTypeOf<{ total: string }>();
    agent.run({ receipt: "https://cdn.example.com/r.png", attachment: "data:application/pdf;base64,JVBERi0=", question: "?" });
    agent.streamAsync({
      receipt: new URL("https://cdn.example.com/r.png"),
      attachment: { data: bytes, mediaType: "application/pdf" },
      question: "?",
    });
  });

  it("reject what they cannot take", () => {
    // @ts-expect-error -- a bare Buffer needs its media type
    void agent.runAsync({ receipt: bytes, attachment: "data:application/pdf;base64,JVBERi0=", question: "?" });
    // @ts-expect-error -- image/bmp is taken by neither vendor
    void agent.runAsync({ receipt: { data: bytes, mediaType: "image/bmp" }, attachment: "x", question: "?" });
  });
});
