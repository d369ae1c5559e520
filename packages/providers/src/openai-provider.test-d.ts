import { expectTypeOf } from "vitest";
import type { ChatResponse, EmbedResponse, LLMProvider } from "@kaizen/contracts";
import { MockProvider, OpenAIProvider } from "./index.js";

declare const provider: OpenAIProvider;
const request = { model: "gpt-4o", messages: [{ role: "user" as const, content: "hi" }] };

// chat() is synchronous: the value itself, not a Promise.
expectTypeOf(provider.chat(request)).toEqualTypeOf<ChatResponse>();
expectTypeOf(provider.chatAsync(request)).toEqualTypeOf<Promise<ChatResponse>>();
expectTypeOf(provider.embed({ texts: ["a"], model: "e" })).toEqualTypeOf<EmbedResponse>();
expectTypeOf(provider).toMatchTypeOf<LLMProvider>();
expectTypeOf(new MockProvider()).toMatchTypeOf<LLMProvider>();

// @ts-expect-error unknown options are rejected
new OpenAIProvider({ useAsnyc: true });
// @ts-expect-error a request needs messages
provider.chat({ model: "gpt-4o" });
