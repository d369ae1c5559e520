// Splits an embeddings call into requests within the API's limits: at most 2048 inputs and about
// 300k tokens per request (estimated from characters, on the safe side), keeping input order.

export interface EmbeddingBatch {
  /** Index of the batch's first text in the caller's list. */
  start: number;
  texts: string[];
}

export const MAX_EMBEDDING_INPUTS = 2048;
export const MAX_EMBEDDING_TOKENS = 300_000;

/** Roughly 3 characters per token: an over-estimate for English, so batches stay under the limit. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3) + 1;
}

export function planEmbeddingBatches(
  texts: readonly string[],
  maxInputs: number = MAX_EMBEDDING_INPUTS,
  maxTokens: number = MAX_EMBEDDING_TOKENS,
): EmbeddingBatch[] {
  const batches: EmbeddingBatch[] = [];
  let current: EmbeddingBatch | undefined;
  let tokens = 0;
  texts.forEach((text, index) => {
    const cost = estimateTokens(text);
    if (!current || current.texts.length >= maxInputs || (tokens + cost > maxTokens && current.texts.length > 0)) {
      current = { start: index, texts: [] };
      batches.push(current);
      tokens = 0;
    }
    current.texts.push(text);
    tokens += cost;
  });
  return batches;
}
