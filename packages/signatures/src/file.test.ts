import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  FileField,
  InputField,
  InputValidationError,
  OutputField,
  Signature,
  describeSignature,
  renderSystemPrompt,
  renderUserContent,
  validateInputs,
  withImageReferences,
} from "./index.js";

const PDF = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

class InvoiceSignature extends Signature {
  invoice = FileField({ description: "The invoice", maxBytes: 1024 });
  question = InputField({ description: "Question" });
  answer = OutputField({ description: "Answer" });
}
const sig = new InvoiceSignature();

function inputError(fn: () => unknown): InputValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return error as InputValidationError;
  }
  throw new Error("expected an InputValidationError");
}

describe("FileField", () => {
  it("turns PDF bytes (or a data: URL) into a file part, the model told it is a PDF", () => {
    const part = { type: "file", mediaType: "application/pdf", data: PDF.toString("base64"), filename: "inv.pdf" };
    expect(
      validateInputs(sig, { invoice: { data: PDF, mediaType: "application/pdf", filename: "inv.pdf" }, question: "q" }).invoice,
    ).toEqual(part);
    const { filename: _name, ...unnamed } = part;
    expect(
      validateInputs(sig, { invoice: `data:application/pdf;base64,${PDF.toString("base64")}`, question: "q" }).invoice,
    ).toEqual(unnamed);
    expect(describeSignature(sig).inputs.invoice?.type).toBe("PDF file");
    expect(renderSystemPrompt(sig)).toContain("- invoice: PDF file — The invoice");
  });

  it("refuses other media types, non-PDF bytes, big files and paths before any request", () => {
    expect(
      inputError(() => validateInputs(sig, { invoice: { data: PDF, mediaType: "text/plain" as never }, question: "q" })).message,
    ).toContain('media type "text/plain" is not accepted; use application/pdf');
    expect(
      inputError(() =>
        validateInputs(sig, { invoice: { data: Buffer.from("hello"), mediaType: "application/pdf" }, question: "q" }),
      ).message,
    ).toContain("the bytes are not a PDF");
    const big = Buffer.concat([PDF, Buffer.alloc(2048)]);
    const tooBig = inputError(() => validateInputs(sig, { invoice: { data: big, mediaType: "application/pdf" }, question: "q" }));
    expect(tooBig.field).toBe("invoice");
    expect(tooBig.message).toContain("over the limit of 1 KB (maxBytes); split or compress it");
    expect(inputError(() => validateInputs(sig, { invoice: "./invoice.pdf", question: "q" })).message).toContain(
      "a file path is not read",
    );
  });

  it("goes to the model as a file part after its heading, and to memory as a reference", () => {
    const inputs = validateInputs(sig, { invoice: { data: PDF, mediaType: "application/pdf" }, question: "Total?" });
    expect(renderUserContent(sig, inputs)).toEqual([
      { type: "text", text: "The invoice (invoice):" },
      { type: "file", mediaType: "application/pdf", data: PDF.toString("base64") },
      { type: "text", text: "Question (question):\nTotal?" },
    ]);
    const stored = withImageReferences(Object.values(describeSignature(sig).inputs), inputs);
    const sha256 = createHash("sha256").update(PDF).digest("hex");
    expect(stored.invoice).toEqual({ type: "file-ref", sha256, mediaType: "application/pdf", bytes: PDF.byteLength });
    expect(renderUserContent(sig, stored)).toBe(
      `The invoice (invoice):\n[file: application/pdf, ${PDF.byteLength} bytes, sha256 ${sha256}]\n\nQuestion (question):\nTotal?`,
    );
  });
});
