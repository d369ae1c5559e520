// Deterministic embeddings: feature hashing of the words plus a little whole-text noise, so the
// same text gives the same unit vector and texts sharing words point in similar directions.
import { hash32 } from "./fake-answer.js";

export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

/** A unit vector of `dimensions` numbers derived from `text`. */
export function embedText(text: string, dimensions = DEFAULT_EMBEDDING_DIMENSIONS): number[] {
  const vector = new Float64Array(dimensions);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    let h = hash32(word);
    for (let k = 0; k < 8; k++) {
      h = hash32(word, h + k);
      vector[h % dimensions] = (vector[h % dimensions] ?? 0) + ((h >>> 16) & 1 ? 1 : -1);
    }
  }
  // Noise from the whole text: no zero vector for empty text, and distinct texts never collide.
  let state = hash32(text) || 1;
  for (let i = 0; i < dimensions; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    vector[i] = (vector[i] ?? 0) + ((state / 0xffffffff) * 2 - 1) * 0.05;
  }
  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += (vector[i] ?? 0) ** 2;
  norm = Math.sqrt(norm) || 1;
  const out = new Array<number>(dimensions);
  // Rounded like the real API's floats, which also keeps the JSON small.
  for (let i = 0; i < dimensions; i++) out[i] = Math.round(((vector[i] ?? 0) / norm) * 1e8) / 1e8;
  return out;
}

/** The OpenAI `encoding_format: "base64"` form: little-endian float32 bytes. */
export function toBase64Float32(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
}
