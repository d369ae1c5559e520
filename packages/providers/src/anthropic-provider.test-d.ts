import { expectTypeOf } from "vitest";
import type { ChatResponse, LLMProvider, StreamEvent } from "@kaizen/contracts";
import { AnthropicProvider } from "./anthropic-provider.js";
import { createOllamaProvider, type OpenAICompatibleProvider } from "./compatible-provider.js";
import { PartialJsonParser } from "./partial-json.js";

declare const anthropic: AnthropicProvider;
expectTypeOf(anthropic).toExtend<LLMProvider>();
// chat() is synchronous: the response itself, not a Promise
expectTypeOf(anthropic.chat).returns.toEqualTypeOf<ChatResponse>();
expectTypeOf(anthropic.chatAsync).returns.toEqualTypeOf<Promise<ChatResponse>>();
expectTypeOf(anthropic.streamAsync).returns.toEqualTypeOf<AsyncIterable<StreamEvent>>();
// Anthropic has no embeddings API
// @ts-expect-error embedAsync does not exist on AnthropicProvider
void anthropic.embedAsync;

expectTypeOf(createOllamaProvider()).toEqualTypeOf<OpenAICompatibleProvider>();
expectTypeOf(createOllamaProvider().embedAsync).toBeFunction();

// @ts-expect-error maxTokensDefault is a number
new AnthropicProvider({ maxTokensDefault: "4096" });

expectTypeOf(new PartialJsonParser().push).returns.toEqualTypeOf<boolean>();
expectTypeOf(new PartialJsonParser().value).toEqualTypeOf<unknown>();
