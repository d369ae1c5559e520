// An incremental JSON parser for streamed structured output. Each chunk is scanned once, so
// feeding a document costs O(length) no matter how it is split; only a snapshot copies, and it
// copies just the containers that are still open (closed ones are final and shared).
//
// What a partial value shows: complete keys with their values so far (strings grow as they
// stream, numbers appear once they are valid JSON numbers, true/false/null once complete,
// nested containers as far as they go). A key whose name or value has not started is left out.

type Frame =
  | { kind: "object"; value: Record<string, unknown>; key: string | undefined; state: ObjectState }
  | { kind: "array"; value: unknown[]; state: ArrayState };

// "key": expecting a key or "}"; "colon": key read, expecting ":"; "value": expecting a value;
// "after": a value is done, expecting "," or "}"; "nextKey": after ",", a key is required.
type ObjectState = "key" | "colon" | "value" | "after" | "nextKey";
// "first": expecting a value or "]"; "value": after ",", a value is required; "after": "," or "]".
type ArrayState = "first" | "value" | "after";

type Token =
  | { kind: "string"; text: string; isKey: boolean; escape: string | undefined }
  // `shown`: the longest prefix so far that is a valid number (what a partial value shows).
  | { kind: "number"; text: string; shown: string | undefined }
  | { kind: "literal"; text: string; target: "true" | "false" | "null" };

const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NUMBER_CHARS = /[-+0-9.eE]/;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const LITERALS = { t: "true", f: "false", n: "null" } as const;
const LITERAL_VALUES = { true: true, false: false, null: null } as const;

export interface PartialJsonOptions {
  /**
   * Skip text before the first `{` or `[` (prose or a ```json fence a model wrote before the
   * object). Text after the root value is always ignored.
   */
  skipPreamble?: boolean;
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` must become an own property, as JSON.parse makes it, not a prototype change.
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function isWhitespace(ch: string): boolean {
  return ch === " " || ch === "\n" || ch === "\r" || ch === "\t";
}

/** Feeds text chunks and reports the best partial value parsed so far. */
export class PartialJsonParser {
  readonly #skipPreamble: boolean;
  readonly #stack: Frame[] = [];
  #token: Token | undefined;
  #root: unknown = undefined;
  #rootStarted = false;
  #rootDone = false;
  #failure: string | undefined;
  #dirty = false;
  #snapshot: unknown = undefined;

  constructor(options: PartialJsonOptions = {}) {
    this.#skipPreamble = options.skipPreamble ?? false;
  }

  /** True once the root value is complete. */
  get done(): boolean {
    return this.#rootDone;
  }

  /** Why parsing stopped, when the text is not JSON. The last good partial value stays readable. */
  get error(): string | undefined {
    return this.#failure;
  }

  /**
   * The partial value so far, or undefined before anything is visible. Each call after a change
   * returns a new object; a returned object is never mutated afterwards.
   */
  get value(): unknown {
    if (this.#dirty) {
      this.#snapshot = this.#buildSnapshot();
      this.#dirty = false;
    }
    return this.#snapshot;
  }

  /** Feeds one chunk. Returns true when the visible partial value changed. */
  push(chunk: string): boolean {
    const before = this.#dirty;
    this.#dirty = false;
    let i = 0;
    const n = chunk.length;
    while (i < n && !this.#rootDone && this.#failure === undefined) {
      i = this.#step(chunk, i);
    }
    const changed = this.#dirty;
    this.#dirty = before || changed;
    return changed;
  }

  /**
   * Marks the end of input: a number at the root (which has no closing delimiter) completes.
   * Returns whether the text held one complete JSON value.
   */
  end(): boolean {
    if (this.#failure !== undefined) return false;
    if (!this.#rootDone && this.#stack.length === 0 && this.#token?.kind === "number") {
      this.#completeNumber();
    }
    return this.#rootDone;
  }

  #fail(message: string): number {
    this.#failure = message;
    return Number.MAX_SAFE_INTEGER;
  }

  // Consumes some of `chunk` from `i` and returns the next index.
  #step(chunk: string, i: number): number {
    const token = this.#token;
    if (token !== undefined) {
      if (token.kind === "string") return this.#scanString(token, chunk, i);
      const ch = chunk.charAt(i);
      if (token.kind === "number") {
        if (NUMBER_CHARS.test(ch)) {
          token.text += ch;
          if (NUMBER_RE.test(token.text)) {
            // "1.50" after "1.5" shows the same number: not a change.
            if (token.shown === undefined || Number(token.shown) !== Number(token.text)) this.#dirty = true;
            token.shown = token.text;
          }
          return i + 1;
        }
        if (!this.#completeNumber()) return Number.MAX_SAFE_INTEGER;
        return i; // the delimiter is handled by the container
      }
      token.text += ch;
      if (!token.target.startsWith(token.text)) return this.#fail(`Unexpected "${token.text}" in JSON.`);
      if (token.text.length === token.target.length) {
        this.#token = undefined;
        this.#completeValue(LITERAL_VALUES[token.target], false);
      }
      return i + 1;
    }

    const ch = chunk.charAt(i);
    if (isWhitespace(ch)) return i + 1;

    const frame = this.#stack[this.#stack.length - 1];
    if (frame === undefined) {
      if (this.#rootStarted) return this.#fail("Unexpected text after the JSON value.");
      if (this.#skipPreamble && ch !== "{" && ch !== "[") {
        const next = this.#nextContainerStart(chunk, i);
        return next;
      }
      return this.#startValue(ch, i);
    }

    if (frame.kind === "object") {
      switch (frame.state) {
        case "key":
        case "nextKey":
          if (ch === '"') {
            this.#token = { kind: "string", text: "", isKey: true, escape: undefined };
            return i + 1;
          }
          if (ch === "}" && frame.state === "key") return this.#closeContainer(i);
          return this.#fail(`Expected a property name, got "${ch}".`);
        case "colon":
          if (ch !== ":") return this.#fail(`Expected ":" after a property name, got "${ch}".`);
          frame.state = "value";
          return i + 1;
        case "value":
          return this.#startValue(ch, i);
        case "after":
          if (ch === ",") {
            frame.state = "nextKey";
            return i + 1;
          }
          if (ch === "}") return this.#closeContainer(i);
          return this.#fail(`Expected "," or "}" in an object, got "${ch}".`);
      }
    }
    switch (frame.state) {
      case "first":
        if (ch === "]") return this.#closeContainer(i);
        return this.#startValue(ch, i);
      case "value":
        return this.#startValue(ch, i);
      case "after":
        if (ch === ",") {
          frame.state = "value";
          return i + 1;
        }
        if (ch === "]") return this.#closeContainer(i);
        return this.#fail(`Expected "," or "]" in an array, got "${ch}".`);
    }
  }

  #nextContainerStart(chunk: string, from: number): number {
    for (let j = from; j < chunk.length; j++) {
      const c = chunk.charCodeAt(j);
      if (c === 123 /* { */ || c === 91 /* [ */) return j;
    }
    return chunk.length;
  }

  #startValue(ch: string, i: number): number {
    this.#rootStarted = true;
    if (ch === "{") {
      this.#stack.push({ kind: "object", value: {}, key: undefined, state: "key" });
      this.#dirty = true;
      return i + 1;
    }
    if (ch === "[") {
      this.#stack.push({ kind: "array", value: [], state: "first" });
      this.#dirty = true;
      return i + 1;
    }
    if (ch === '"') {
      this.#token = { kind: "string", text: "", isKey: false, escape: undefined };
      this.#dirty = true;
      return i + 1;
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      const shown = NUMBER_RE.test(ch) ? ch : undefined;
      this.#token = { kind: "number", text: ch, shown };
      if (shown !== undefined) this.#dirty = true;
      return i + 1;
    }
    if (ch === "t" || ch === "f" || ch === "n") {
      this.#token = { kind: "literal", text: ch, target: LITERALS[ch] };
      return i + 1;
    }
    return this.#fail(`Unexpected "${ch}" where a JSON value should start.`);
  }

  #scanString(token: Extract<Token, { kind: "string" }>, chunk: string, start: number): number {
    let i = start;
    const n = chunk.length;
    const before = token.text.length;
    while (i < n) {
      if (token.escape !== undefined) {
        token.escape += chunk.charAt(i);
        i++;
        const esc = token.escape;
        if (esc.length === 1) {
          if (esc === "u") continue;
          const mapped = ESCAPES[esc];
          if (mapped === undefined) return this.#fail(`Invalid escape "\\${esc}" in a JSON string.`);
          token.text += mapped;
          token.escape = undefined;
        } else if (esc.length === 5) {
          const code = Number.parseInt(esc.slice(1), 16);
          if (!/^u[0-9a-fA-F]{4}$/.test(esc)) return this.#fail(`Invalid escape "\\${esc}" in a JSON string.`);
          token.text += String.fromCharCode(code);
          token.escape = undefined;
        }
        continue;
      }
      // Copy the run up to the next quote or backslash in one slice.
      let j = i;
      while (j < n) {
        const c = chunk.charCodeAt(j);
        if (c === 34 /* " */ || c === 92 /* \ */) break;
        j++;
      }
      if (j > i) token.text += chunk.slice(i, j);
      if (j === n) {
        i = n;
        break;
      }
      if (chunk.charCodeAt(j) === 92) {
        token.escape = "";
        i = j + 1;
        continue;
      }
      // Closing quote.
      this.#token = undefined;
      if (token.isKey) {
        const frame = this.#stack[this.#stack.length - 1];
        if (frame?.kind === "object") {
          frame.key = token.text;
          frame.state = "colon";
        }
      } else {
        // Visible while in progress, unless it grew in this very scan.
        this.#completeValue(token.text, token.text.length === before);
      }
      return j + 1;
    }
    if (!token.isKey && token.text.length !== before) this.#dirty = true;
    return i;
  }

  #completeNumber(): boolean {
    const token = this.#token;
    if (token?.kind !== "number") return true;
    if (!NUMBER_RE.test(token.text)) {
      this.#fail(`Invalid number "${token.text}" in JSON.`);
      return false;
    }
    this.#token = undefined;
    this.#completeValue(Number(token.text), token.shown === token.text);
    return true;
  }

  // A scalar or a closed container is final: store it in its parent. Strings, numbers and
  // containers were visible while in progress, so completing them changes nothing a reader sees.
  #completeValue(value: unknown, wasVisible: boolean): void {
    if (!wasVisible) this.#dirty = true;
    const frame = this.#stack[this.#stack.length - 1];
    if (frame === undefined) {
      this.#root = value;
      this.#rootDone = true;
      return;
    }
    if (frame.kind === "object") {
      setKey(frame.value, frame.key ?? "", value);
      frame.key = undefined;
      frame.state = "after";
    } else {
      frame.value.push(value);
      frame.state = "after";
    }
  }

  #closeContainer(i: number): number {
    const frame = this.#stack.pop();
    if (frame !== undefined) this.#completeValue(frame.value, true);
    return i + 1;
  }

  #tokenValue(): { visible: boolean; value: unknown } {
    const token = this.#token;
    if (token === undefined) return { visible: false, value: undefined };
    if (token.kind === "string") return { visible: !token.isKey, value: token.text };
    if (token.kind === "number" && token.shown !== undefined) return { visible: true, value: Number(token.shown) };
    return { visible: false, value: undefined };
  }

  #buildSnapshot(): unknown {
    if (this.#rootDone) return this.#root;
    // Innermost first: each open container is copied with its in-progress child added.
    let child = this.#tokenValue();
    for (let d = this.#stack.length - 1; d >= 0; d--) {
      const frame = this.#stack[d] as Frame;
      if (frame.kind === "object") {
        const copy: Record<string, unknown> = { ...frame.value };
        if (child.visible && frame.key !== undefined) setKey(copy, frame.key, child.value);
        child = { visible: true, value: copy };
      } else {
        const copy = frame.value.slice();
        if (child.visible) copy.push(child.value);
        child = { visible: true, value: copy };
      }
    }
    return child.visible ? child.value : undefined;
  }
}

/** Parses possibly incomplete JSON text into the best partial value (one-shot form). */
export function parsePartialJson(text: string, options: PartialJsonOptions = {}): unknown {
  const parser = new PartialJsonParser(options);
  parser.push(text);
  parser.end();
  return parser.value;
}
