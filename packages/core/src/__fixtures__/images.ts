// A signature with an image input, and a real 1×1 PNG, for image input tests.
import { z } from "zod";
import { FileField, ImageField, InputField, OutputField, Signature } from "@kaizen/signatures";

export const TINY_PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
export const TINY_PNG = Buffer.from(TINY_PNG_BASE64, "base64");

export class ReceiptSignature extends Signature {
  static override description = "Answer the question about the receipt.";
  receipt = ImageField({ description: "Photo of the receipt" });
  question = InputField({ description: "Question" });
  answer = OutputField({ description: "Answer" });
  confidence = OutputField({ description: "Confidence 0-1", schema: z.number().min(0).max(1) });
}

/** A minimal PDF's bytes: enough for the PDF check (they start with %PDF-). */
export const TINY_PDF = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

export class InvoiceSignature extends Signature {
  static override description = "Answer the question about the invoice.";
  invoice = FileField({ description: "The invoice" });
  question = InputField({ description: "Question" });
  answer = OutputField({ description: "Answer" });
}
