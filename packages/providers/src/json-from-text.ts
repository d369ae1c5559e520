// A complete JSON value out of model text, for providers reading an answer or a reply body. The
// search itself is @kaizen/contracts' extractJson, the one extractor signatures' output parsing
// uses too; this only adds the fast path and takes the best candidate.
import { extractJson } from "@kaizen/contracts";

/**
 * Parses a complete JSON value out of model text: plain JSON, or JSON (an object or an array) with
 * prose or a code fence around it. Returns undefined when no complete value is there.
 */
export function parseJsonFromText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return extractJson(text, { arrays: true }).candidates[0];
  }
}
