import {
  ImageField,
  InputField,
  InputValidationError,
  OutputField,
  Signature,
  renderUserContent,
  validateInputs,
} from "../index.js";

class ReceiptSignature extends Signature {
  static override description = "Read the total from the receipt.";
  receipt = ImageField({ description: "Photo of the receipt", maxBytes: 1024 * 1024 });
  currency = InputField({ description: "Currency to answer in" });
  total = OutputField({ description: "Total amount" });
}

const sig = new ReceiptSignature();
const inputs = validateInputs(sig, { receipt: "https://example.com/receipt.jpg", currency: "EUR" });
console.log(JSON.stringify(renderUserContent(sig, inputs), null, 2));

try {
  validateInputs(sig, { receipt: { data: new Uint8Array(2 * 1024 * 1024), mediaType: "image/png" }, currency: "EUR" });
} catch (error) {
  if (error instanceof InputValidationError) console.log(error.message);
}
