import { ImageField, InputField, InputValidationError, OutputField, Signature } from "@kaizen/signatures";
import { BaseAgent, BaseAgentConfig } from "../../index.js";

class ReceiptSignature extends Signature {
  static override description = "Answer the question about the receipt in the photo.";
  receipt = ImageField({ description: "Photo of the receipt" });
  question = InputField({ description: "What to find out" });
  answer = OutputField({ description: "The answer" });
}

const agent = new BaseAgent({
  config: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o-mini", useAsyncLlm: true }),
  signature: new ReceiptSignature(),
});

// Bytes the app read itself (e.g. `await readFile("receipt.png")`): Kaizen never opens a path.
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const result = await agent.runAsync({ receipt: { data: png, mediaType: "image/png" }, question: "What is 2+3?" });
console.log(result.answer);

// Checked before any request: media type and size (default limit 5 MB, `ImageField({ maxBytes })`).
try {
  await agent.runAsync({ receipt: { data: Buffer.alloc(6 * 1024 * 1024), mediaType: "image/png" }, question: "Total?" });
} catch (error) {
  if (error instanceof InputValidationError) console.log(error.field, error.message);
}

await agent.close();
