// Every measured thing runs in its own process: the fake LLM server (so its CPU never counts
// against the client), each scenario (so CPU time and peak RSS belong to that scenario alone),
// the chat server under load and the load generator.
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Under vitest the harness runs from src/*.ts, so its children need the tsx loader. */
const fromSource = import.meta.url.endsWith(".ts");
const packageDir = fileURLToPath(new URL("..", import.meta.url));

export interface Message {
  type: string;
  [key: string]: unknown;
}

export function entryFile(name: string): string {
  return fileURLToPath(new URL(`./${name}.${fromSource ? "ts" : "js"}`, import.meta.url));
}

export function loaderExecArgv(): string[] {
  return fromSource ? ["--import", "tsx"] : [];
}

/** A forked child speaking {type, ...} messages over IPC, with a queue so no message is missed. */
export class Child {
  readonly process: ChildProcess;
  readonly #queue: Message[] = [];
  #waiters: Array<{ type: string; resolve: (m: Message) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  #exited: Error | undefined;
  #stderrTail = "";

  /**
   * `wrapper` runs node under another program (valgrind): fork starts `wrapper.command
   * ...wrapper.args node ...execArgv entry ...args`, and the IPC channel passes through.
   * `compiledDir`: run `<compiledDir>/<name>.js` without the TypeScript loader.
   */
  constructor(
    name: string,
    args: string[] = [],
    execArgv: string[] = [],
    wrapper?: { command: string; args: string[] },
    compiledDir?: string,
  ) {
    const loader = compiledDir === undefined ? loaderExecArgv() : [];
    const nodeArgv = [...loader, ...execArgv];
    const entry = compiledDir === undefined ? entryFile(name) : join(compiledDir, `${name}.js`);
    this.process = fork(entry, args, {
      cwd: packageDir,
      ...(wrapper
        ? { execPath: wrapper.command, execArgv: [...wrapper.args, process.execPath, ...nodeArgv] }
        : { execArgv: nodeArgv }),
      stdio: ["ignore", "inherit", "pipe", "ipc"],
      env: {
        ...process.env,
        OPENAI_API_KEY: "sk-bench-not-a-real-key",
        // From source, children see sibling packages' source too, as vitest does (tooling/vitest.shared.ts).
        ...(fromSource && compiledDir === undefined
          ? { TSX_TSCONFIG_PATH: fileURLToPath(new URL("../tsconfig.source.json", import.meta.url)) }
          : {}),
      },
    });
    this.process.stderr?.setEncoding("utf8");
    this.process.stderr?.on("data", (chunk: string) => {
      process.stderr.write(chunk);
      this.#stderrTail = (this.#stderrTail + chunk).slice(-2000);
    });
    this.process.on("message", (m: Message) => this.#deliver(m));
    this.process.on("exit", (code, signal) => {
      this.#exited = new Error(`bench child ${name} exited (code ${code}, signal ${signal}) ${this.#stderrTail.trim()}`);
      for (const w of this.#waiters) {
        clearTimeout(w.timer);
        w.reject(this.#exited);
      }
      this.#waiters = [];
    });
  }

  #deliver(m: Message): void {
    if (m.type === "error") {
      const err = new Error(`bench child failed: ${String(m.message)}`);
      for (const w of this.#waiters) {
        clearTimeout(w.timer);
        w.reject(err);
      }
      this.#waiters = [];
      return;
    }
    const i = this.#waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) {
      const [w] = this.#waiters.splice(i, 1);
      if (w) {
        clearTimeout(w.timer);
        w.resolve(m);
      }
      return;
    }
    this.#queue.push(m);
  }

  send(m: Message): void {
    this.process.send(m);
  }

  waitFor<T extends Message = Message>(type: string, timeoutMs = 120_000): Promise<T> {
    const i = this.#queue.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.#queue.splice(i, 1)[0] as T);
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.timer !== timer);
        reject(new Error(`bench child: no "${type}" message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push({ type, resolve: resolve as (m: Message) => void, reject, timer });
    });
  }

  /** Resolves when the child has exited; kills it after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once("exit", () => resolve()));
    if (this.process.connected) this.process.disconnect();
    const timer = setTimeout(() => this.process.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** For the child side: report a crash to the parent instead of dying silently. */
export function reportFatal(err: unknown): void {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  if (process.send) process.send({ type: "error", message });
  else console.error(message);
  process.exitCode = 1;
}

export function send(m: Message): void {
  if (!process.send) throw new Error("bench child started without an IPC channel: run it through the harness");
  process.send(m);
}
