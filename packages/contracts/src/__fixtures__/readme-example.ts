import type { ChatRequest, ChatResponse, LLMProvider } from "../index.js";
import { ProviderError, contentText } from "../index.js";

export class EchoProvider implements LLMProvider {
  readonly name = "echo";
  chat(request: ChatRequest): ChatResponse {
    // A message's content is a string or text and image parts; an echo only needs the text.
    const last = contentText(request.messages.at(-1)?.content ?? "");
    return {
      content: last,
      model: request.model,
      finishReason: "stop",
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      structuredOutput: "none",
      attempts: 1,
    };
  }
  async chatAsync(request: ChatRequest): Promise<ChatResponse> {
    if (request.signal?.aborted) throw new ProviderError("aborted", { provider: this.name });
    return this.chat(request);
  }
}

const reply = await new EchoProvider().chatAsync({ model: "echo-1", messages: [{ role: "user", content: "hi" }] });
console.log(reply.content); // "hi"
