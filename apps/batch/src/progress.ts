/**
 * A progress line on stderr. On a terminal it redraws one line in place; in a log or a pipe it
 * prints a plain line at every tenth of the way, so CI logs stay readable.
 */
export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #total: number;
  readonly #tty: boolean;
  readonly #enabled: boolean;
  readonly #started = Date.now();
  #lastDecile = -1;
  #lastDraw = 0;

  constructor(total: number, options: { stream?: NodeJS.WriteStream; enabled?: boolean } = {}) {
    this.#stream = options.stream ?? process.stderr;
    this.#total = total;
    this.#tty = Boolean(this.#stream.isTTY);
    this.#enabled = options.enabled ?? true;
  }

  update(done: number, failed: number): void {
    if (!this.#enabled || this.#total === 0) return;
    const fraction = done / this.#total;
    if (this.#tty) {
      const now = Date.now();
      if (done < this.#total && now - this.#lastDraw < 50) return;
      this.#lastDraw = now;
      const width = Math.max(10, Math.min(40, (this.#stream.columns ?? 80) - 50));
      const filled = Math.round(fraction * width);
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      this.#stream.write(
        `\r${bar} ${done}/${this.#total} ${Math.floor(fraction * 100)}%  failed ${failed}  ${this.#eta(done)}\x1b[K`,
      );
      if (done === this.#total) this.#stream.write("\n");
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile > this.#lastDecile) {
      this.#lastDecile = decile;
      this.#stream.write(`progress: ${done}/${this.#total} (${Math.floor(fraction * 100)}%), ${failed} failed\n`);
    }
  }

  #eta(done: number): string {
    if (done === 0 || done === this.#total) return "";
    const perItem = (Date.now() - this.#started) / done;
    return `eta ${Math.ceil((perItem * (this.#total - done)) / 1000)}s`;
  }
}
