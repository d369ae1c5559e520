// Finds the JSON a model meant to send. Models wrap JSON in ```json fences or in prose ("Sure! Here is
// the answer: {...}"); this tries, in order: the whole text, each fenced block, then each balanced {...}
// span (and [...] span, when asked). It never repairs JSON (no trailing-comma or quote fixing): a broken
// object is reported, and the re-ask asks the model for a correct one. The one extractor of the
// library: signatures' output parsing and the providers' `parseJsonFromText` both use it.

export interface ExtractResult {
  /** Parsed JSON values in order of preference (deduplicated by source text). */
  candidates: unknown[];
  /** Why nothing parsed, when `candidates` is empty. */
  problem?: string;
}

export interface ExtractJsonOptions {
  /**
   * Also take balanced `[...]` spans in prose, in text order with the `{...}` spans. Default false:
   * a signature's answer is an object, and an array around it would hide it.
   */
  arrays?: boolean;
}

const MAX_CANDIDATES = 16;
// Each attempt scans forward from one "{"; bounding attempts keeps pathological text ("{{{{...") linear-ish.
const MAX_BRACE_ATTEMPTS = 32;
const FENCE = /```[ \t]*([A-Za-z0-9_-]*)[^\n`]*\n?([\s\S]*?)```/g;
const OPEN_BRACE = 123; // {

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Index of the bracket closing the "{" or "[" at `start`, skipping brackets inside JSON strings; -1 if it never closes. */
function matchingBracket(text: string, start: number): number {
  const open = text.charCodeAt(start);
  const close = open === OPEN_BRACE ? 125 /* } */ : 93; /* ] */
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
      continue;
    }
    if (ch === 34) inString = true;
    else if (ch === open) depth++;
    else if (ch === close) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function nextStart(text: string, from: number, arrays: boolean): number {
  const brace = text.indexOf("{", from);
  if (!arrays) return brace;
  const bracket = text.indexOf("[", from);
  if (brace === -1) return bracket;
  return bracket === -1 ? brace : Math.min(brace, bracket);
}

/** The JSON values in `text`, best first, or why there is none. Never throws. */
export function extractJson(text: string, options: ExtractJsonOptions = {}): ExtractResult {
  const arrays = options.arrays ?? false;
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed === "") return { candidates: [], problem: "the response is empty" };
  const whole = tryParse(trimmed);
  if (whole.ok) return { candidates: [whole.value] };

  const candidates: unknown[] = [];
  const seen = new Set<string>();
  let firstError: string | undefined;
  const consider = (source: string): boolean => {
    const body = source.trim();
    if (body === "" || seen.has(body)) return false;
    seen.add(body);
    const parsed = tryParse(body);
    if (parsed.ok) {
      candidates.push(parsed.value);
      return true;
    }
    firstError ??= `${parsed.error} in ${JSON.stringify(body.length > 80 ? `${body.slice(0, 79)}…` : body)}`;
    return false;
  };

  for (const match of trimmed.matchAll(FENCE)) {
    if (candidates.length >= MAX_CANDIDATES) break;
    consider(match[2] ?? "");
  }

  let from = 0;
  let unclosed = false;
  for (let attempt = 0; attempt < MAX_BRACE_ATTEMPTS && candidates.length < MAX_CANDIDATES; attempt++) {
    const start = nextStart(trimmed, from, arrays);
    if (start === -1) break;
    const end = matchingBracket(trimmed, start);
    if (end === -1) {
      unclosed = true;
      from = start + 1;
      continue;
    }
    // After a span that parses, skip past it (its inner values are parts of it); otherwise look inside.
    from = consider(trimmed.slice(start, end + 1)) ? end + 1 : start + 1;
  }

  if (candidates.length > 0) return { candidates };
  if (firstError !== undefined) return { candidates, problem: `the JSON is not valid (${firstError})` };
  if (unclosed) return { candidates, problem: "the JSON object is never closed (the response looks cut off)" };
  return { candidates, problem: "the response contains no JSON object" };
}
