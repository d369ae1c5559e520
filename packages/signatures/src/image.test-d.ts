import type { FilePart, ImageMediaType, ImagePart } from "@kaizen/contracts";
import { expectTypeOf } from "vitest";
import type { InferInputs, InferValidatedInputs } from "./index.js";
import { FileField, ImageField, InputField, OutputField, Signature, signature } from "./index.js";

class ReceiptSignature extends Signature {
  receipt = ImageField({ description: "Photo of the receipt" });
  note = InputField({ description: "Note" });
  total = OutputField({ description: "Total" });
}

type Image = string | URL | { data: Uint8Array; mediaType: ImageMediaType; detail?: "low" | "high" | "auto" };

// At the call site an image input takes a URL, a data: URL or bytes with a media type.
expectTypeOf<InferInputs<ReceiptSignature>>().toEqualTypeOf<{ receipt: Image; note: string }>();
// After validation it is the image part the provider lowers.
expectTypeOf<InferValidatedInputs<ReceiptSignature>>().toEqualTypeOf<{ receipt: ImagePart; note: string }>();

export const functional = signature({
  description: "Caption the photo.",
  inputs: { photo: ImageField({ description: "Photo" }) },
  outputs: { caption: OutputField({ description: "Caption" }) },
});
expectTypeOf<InferInputs<typeof functional>>().toEqualTypeOf<{ photo: Image }>();

// @ts-expect-error -- a media type neither vendor takes is a type error too
const bad: InferInputs<ReceiptSignature> = { receipt: { data: new Uint8Array(), mediaType: "image/bmp" }, note: "" };
void bad;

class InvoiceSignature extends Signature {
  invoice = FileField({ description: "Invoice" });
  total = OutputField({ description: "Total" });
}
expectTypeOf<InferInputs<InvoiceSignature>>().toEqualTypeOf<{
  invoice: string | { data: Uint8Array; mediaType: "application/pdf"; filename?: string };
}>();
expectTypeOf<InferValidatedInputs<InvoiceSignature>>().toEqualTypeOf<{ invoice: FilePart }>();

class MaybePhoto extends Signature {
  photo = ImageField({ description: "Photo", optional: true });
  caption = OutputField({ description: "Caption" });
}
expectTypeOf<InferInputs<MaybePhoto>>().toEqualTypeOf<{ photo?: Image | undefined }>();
