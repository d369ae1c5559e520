// The bare floor's partial JSON: an incremental scanner for a flat JSON object (string, number,
// true, false and null values), fed the streamed text piece by piece. Each piece costs time in its
// own length only (the SDK's partial parser and Kaizen's re-read what they need), and the object
// it builds is the one the caller reads: no copies. Not general JSON (no nesting): the floor knows
// the answer's shape, which is what a hand-written client for one call would do.

type State = "start" | "key" | "colon" | "value" | "string" | "scalar" | "comma" | "end";

export class FlatPartialObject {
  /** The fields so far; a string field grows as its characters arrive. */
  readonly value: Record<string, unknown> = {};
  #state: State = "start";
  #key = "";
  #text = "";
  /** An escape sequence not yet complete (e.g. `\u00` of `\u00e9`). */
  #escape = "";
  #inKey = false;

  /** Feeds the next piece of the text; returns whether a field appeared or changed. */
  push(piece: string): boolean {
    let changed = false;
    for (let i = 0; i < piece.length; i++) {
      const c = piece[i] as string;
      switch (this.#state) {
        case "start":
          if (c === "{") this.#state = "key";
          else if (!isSpace(c)) throw new SyntaxError(`expected "{", got ${JSON.stringify(c)}`);
          break;
        case "key":
          if (c === '"') {
            this.#state = "string";
            this.#inKey = true;
            this.#text = "";
          } else if (c === "}") this.#state = "end";
          else if (!isSpace(c)) throw new SyntaxError(`expected a key, got ${JSON.stringify(c)}`);
          break;
        case "colon":
          if (c === ":") this.#state = "value";
          else if (!isSpace(c)) throw new SyntaxError(`expected ":", got ${JSON.stringify(c)}`);
          break;
        case "value":
          if (c === '"') {
            this.#state = "string";
            this.#inKey = false;
            this.#text = "";
            this.value[this.#key] = "";
            changed = true;
          } else if (!isSpace(c)) {
            this.#state = "scalar";
            this.#text = c;
          }
          break;
        case "string": {
          if (this.#escape !== "") {
            this.#escape += c;
            if (this.#escape[1] !== "u" || this.#escape.length === 6) {
              this.#text += JSON.parse(`"${this.#escape}"`) as string;
              this.#escape = "";
              if (!this.#inKey) changed = true;
            }
          } else if (c === "\\") {
            this.#escape = c;
          } else if (c === '"') {
            if (this.#inKey) {
              this.#key = this.#text;
              this.#state = "colon";
            } else {
              this.value[this.#key] = this.#text;
              this.#state = "comma";
            }
          } else {
            // A run of plain characters at once.
            let j = i + 1;
            while (j < piece.length && piece[j] !== '"' && piece[j] !== "\\") j++;
            this.#text += piece.slice(i, j);
            i = j - 1;
            if (!this.#inKey) changed = true;
          }
          break;
        }
        case "scalar":
          if (c === "," || c === "}" || isSpace(c)) {
            this.value[this.#key] = scalar(this.#text);
            changed = true;
            this.#state = c === "}" ? "end" : c === "," ? "key" : "comma";
          } else this.#text += c;
          break;
        case "comma":
          if (c === ",") this.#state = "key";
          else if (c === "}") this.#state = "end";
          else if (!isSpace(c)) throw new SyntaxError(`expected "," or "}", got ${JSON.stringify(c)}`);
          break;
        case "end":
          if (!isSpace(c)) throw new SyntaxError(`text after the object: ${JSON.stringify(c)}`);
          break;
      }
    }
    if (this.#state === "string" && !this.#inKey) this.value[this.#key] = this.#text;
    if (this.#state === "scalar") {
      // A number still being written is shown as far as it parses ("0." as 0).
      const n = Number.parseFloat(this.#text);
      if (Number.isFinite(n) && this.value[this.#key] !== n) {
        this.value[this.#key] = n;
        changed = true;
      }
    }
    return changed;
  }
}

function isSpace(c: string): boolean {
  return c === " " || c === "\n" || c === "\r" || c === "\t";
}

function scalar(text: string): unknown {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text === "null") return null;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new SyntaxError(`not a JSON value: ${JSON.stringify(text)}`);
  return n;
}
