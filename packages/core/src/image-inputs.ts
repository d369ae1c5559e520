// Images in a run: the check that the provider takes them (before any request), and the memory
// form of a turn's inputs (references, not bytes).
import { UnsupportedContentError, hasFileParts, hasImageParts } from "@kaizen/contracts";
import type { ChatMessage } from "@kaizen/contracts";
import { describeSignature, withImageReferences } from "@kaizen/signatures";
import type { AnySignature } from "@kaizen/signatures";

/** Throws before the request when it carries images (or PDFs) and the provider does not say it takes them. */
export function assertProviderTakesImages(
  messages: readonly ChatMessage[],
  provider: { name: string; supportsImages: boolean; supportsFiles?: boolean },
): void {
  if (provider.supportsFiles !== true && messages.some((m) => hasFileParts(m.content))) {
    throw new UnsupportedContentError(
      `The provider "${provider.name}" does not take file (PDF) inputs (its supportsFiles is not true), and this signature ` +
        `sends one. Fix: use a provider that does (openai, anthropic), or set supportsFiles: true on your own provider once ` +
        `it lowers file parts of ChatMessage.content.`,
      { provider: provider.name, contentType: "file" },
    );
  }
  if (provider.supportsImages) return;
  if (!messages.some((m) => hasImageParts(m.content))) return;
  throw new UnsupportedContentError(
    `The provider "${provider.name}" does not take image inputs (its supportsImages is not true), and this signature sends ` +
      `an image. Fix: use a provider that does (openai, anthropic), or set supportsImages: true on your own provider ` +
      `once it lowers image parts of ChatMessage.content.`,
    { provider: provider.name, contentType: "image" },
  );
}

/**
 * The inputs a turn stores in memory: each image replaced by its reference (the URL, or the
 * sha256, media type and size of the bytes), so memory never holds image bytes; later turns show
 * the model that reference as text.
 */
export function inputsForMemory(signature: AnySignature, inputs: Record<string, unknown>): Record<string, unknown> {
  return withImageReferences(Object.values(describeSignature(signature).inputs), inputs);
}
