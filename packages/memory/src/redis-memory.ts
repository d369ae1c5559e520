// RedisMemory: sessions shared by many app instances. Async only.
//
// ioredis is an optional peer dependency, loaded with a dynamic import the first time this
// backend talks to Redis, so an app that only uses SqliteMemory never needs it installed.
// Pass `client` to reuse a connection you manage (close() then leaves it open).
import { createHash } from "node:crypto";
import { randomUUID } from "node:crypto";
import type { Redis, RedisOptions } from "ioredis";
import type { RedisClientLike, RedisClientOptions } from "./driver-types.js";
import { loadIoredis } from "./drivers.js";
import { MemoryClosedError, MemoryConnectionError, MemoryError, MemoryOptionsError, toMemoryError } from "./errors.js";
import { passwordOf, redactConnectionString } from "./redact.js";
import { APPEND_SCRIPT, SAVE_SUMMARY_SCRIPT } from "./redis-scripts.js";
import { validateSessionId } from "./session-id.js";
import { buildTurn, checkLoadOptions, checkRetention, raceAbort, selectLatest, serializeTurn, throwIfAborted } from "./shared.js";
import type {
  JsonObject,
  LoadOptions,
  Memory,
  MemoryContext,
  NewSessionSummary,
  NewTurn,
  RetentionOptions,
  SessionSummary,
  Turn,
} from "./types.js";

export interface RedisMemoryOptions extends RetentionOptions {
  /** Default: process.env.REDIS_URL ?? "redis://127.0.0.1:6379". Ignored when `client` is given. */
  url?: string;
  /** An ioredis client you own; RedisMemory uses it and never quits it. */
  client?: RedisClientLike;
  /** Prefix of every key. Default "kaizen:". Keys: `<prefix>{<sessionId>}:turns|seq|summary`. */
  keyPrefix?: string;
  /** How long the first connection may take before failing with MemoryConnectionError. Default 5000. */
  connectTimeoutMs?: number;
  /** Extra ioredis options for the client RedisMemory creates. */
  redisOptions?: RedisClientOptions;
}

const BACKEND = "redis";

/** Sessions in Redis: a list per session, appended atomically by a Lua script, with TTL by PEXPIRE. */
export class RedisMemory implements Memory {
  readonly kind = BACKEND;
  readonly keyPrefix: string;
  readonly #url: string;
  readonly #maxTurns: number;
  readonly #ttlMs: number;
  readonly #ownsClient: boolean;
  readonly #connectTimeoutMs: number;
  readonly #redisOptions: RedisOptions | undefined;
  #client: Redis | undefined;
  #connecting: Promise<Redis> | undefined;
  #lastError: Error | undefined;
  #closed = false;
  /** Rejecters of the commands in flight, failed together when the connection closes. */
  readonly #inflight = new Set<(err: Error) => void>();
  #watched: Redis | undefined;
  readonly #onClose = (): void => {
    const dropped = Object.assign(new Error("Connection is closed while the command was in flight."), { code: "ECONNRESET" });
    for (const fail of this.#inflight) fail(dropped);
    this.#inflight.clear();
  };

  constructor(options: RedisMemoryOptions = {}) {
    const { maxTurns, ttlMs } = checkRetention(options, BACKEND);
    this.#maxTurns = maxTurns ?? 0;
    this.#ttlMs = ttlMs ?? 0;
    this.keyPrefix = options.keyPrefix ?? "kaizen:";
    if (typeof this.keyPrefix !== "string" || /[{}\s]/.test(this.keyPrefix)) {
      throw new MemoryOptionsError(
        "keyPrefix",
        `keyPrefix must be a string without braces or spaces, got ${JSON.stringify(options.keyPrefix)}. Fix: e.g. keyPrefix: "myapp:memory:".`,
        BACKEND,
      );
    }
    this.#url = options.url ?? process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
    this.#client = options.client as Redis | undefined;
    this.#ownsClient = options.client === undefined;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.#redisOptions = options.redisOptions as RedisOptions | undefined;
  }

  async loadAsync(sessionId: string, options?: LoadOptions): Promise<MemoryContext> {
    validateSessionId(sessionId, BACKEND);
    const { maxTurns, maxTokens } = checkLoadOptions(options, BACKEND);
    throwIfAborted(options?.signal);
    if (maxTurns === 0) {
      const summary = await this.loadSummaryAsync(sessionId, options);
      return summary ? { turns: [], summary: summary.text } : { turns: [] };
    }
    const client = await this.#connect(options?.signal);
    const keys = this.#keys(sessionId);
    const run = async (): Promise<[string[], (string | null)[]]> => {
      const results = await this.#settled(
        client
          .multi()
          .lrange(keys.turns, maxTurns === undefined ? 0 : -maxTurns, -1)
          .hmget(keys.summary, "text")
          .exec(),
      );
      if (!results)
        throw new MemoryError("backend_error", "redis memory: load was aborted by the server (MULTI returned null).", {
          backend: BACKEND,
        });
      for (const [err] of results) if (err) throw err;
      return [results[0]?.[1] as string[], results[1]?.[1] as (string | null)[]];
    };
    const [rows, [summary]] = await this.#call("load", raceAbort(retryDropped(run), options?.signal));
    const turns = rows.map((row) => parseStored(sessionId, row));
    const context: MemoryContext = { turns: selectLatest(turns, undefined, maxTokens) };
    if (typeof summary === "string") context.summary = summary;
    return context;
  }

  async appendAsync(sessionId: string, turn: NewTurn, options?: { signal?: AbortSignal }): Promise<Turn> {
    validateSessionId(sessionId, BACKEND);
    const json = serializeTurn(turn, BACKEND);
    throwIfAborted(options?.signal);
    const client = await this.#connect(options?.signal);
    throwIfAborted(options?.signal);
    const id = randomUUID();
    const rest = `{"id":${JSON.stringify(id)},"inputs":${json.inputs},"outputs":${json.outputs}${json.metadata === undefined ? "" : `,"metadata":${json.metadata}`}}`;
    const keys = this.#keys(sessionId);
    // Bounded by the signal like every call. The script is atomic on the server, so a caller that
    // gave up (or lost the connection) before the reply may find the turn stored, never half of it.
    const [seq, createdAt] = (await this.#call(
      "append",
      raceAbort(
        this.#settled(
          evalScript(
            client,
            APPEND_SCRIPT,
            [keys.turns, keys.seq, keys.summary],
            [rest, String(this.#maxTurns), String(this.#ttlMs)],
          ),
        ),
        options?.signal,
      ),
    )) as [number, number];
    return buildTurn(sessionId, { id, seq, inputs: json.inputs, outputs: json.outputs, metadata: json.metadata, createdAt });
  }

  async clearAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<void> {
    validateSessionId(sessionId, BACKEND);
    throwIfAborted(options?.signal);
    const client = await this.#connect(options?.signal);
    const keys = this.#keys(sessionId);
    await this.#call("clear", raceAbort(this.#settled(client.del(keys.turns, keys.seq, keys.summary)), options?.signal));
  }

  async loadSummaryAsync(sessionId: string, options?: { signal?: AbortSignal }): Promise<SessionSummary | undefined> {
    validateSessionId(sessionId, BACKEND);
    throwIfAborted(options?.signal);
    const client = await this.#connect(options?.signal);
    const [text, throughSeq, updatedAt] = await this.#call(
      "loadSummary",
      raceAbort(
        retryDropped(() => this.#settled(client.hmget(this.#keys(sessionId).summary, "text", "throughSeq", "updatedAt"))),
        options?.signal,
      ),
    );
    if (typeof text !== "string") return undefined;
    return { text, throughSeq: Number(throughSeq ?? 0), updatedAt: Number(updatedAt ?? 0) };
  }

  async saveSummaryAsync(sessionId: string, summary: NewSessionSummary, options?: { signal?: AbortSignal }): Promise<void> {
    validateSessionId(sessionId, BACKEND);
    if (typeof summary?.text !== "string" || !Number.isSafeInteger(summary.throughSeq) || summary.throughSeq < 0) {
      throw new MemoryError("invalid_turn", "A summary must be { text: string, throughSeq: integer >= 0 }.", {
        backend: BACKEND,
      });
    }
    throwIfAborted(options?.signal);
    const client = await this.#connect(options?.signal);
    const keys = this.#keys(sessionId);
    await this.#call(
      "saveSummary",
      raceAbort(
        this.#settled(
          evalScript(
            client,
            SAVE_SUMMARY_SCRIPT,
            [keys.summary, keys.turns],
            [summary.text, String(summary.throughSeq), String(this.#ttlMs)],
          ),
        ),
        options?.signal,
      ),
    );
  }

  /**
   * Deletes every key under `keyPrefix` (all sessions of this prefix), with SCAN + UNLINK. For tests,
   * tenant removal and resets; not atomic with concurrent appends.
   */
  async purgeAsync(options?: { signal?: AbortSignal }): Promise<number> {
    const client = await this.#connect(options?.signal);
    const pattern = `${this.keyPrefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
    let cursor = "0";
    let deleted = 0;
    do {
      throwIfAborted(options?.signal);
      const [next, keys] = await this.#call(
        "purge",
        raceAbort(this.#settled(client.scan(cursor, "MATCH", pattern, "COUNT", 500)), options?.signal),
      );
      cursor = next;
      if (keys.length > 0)
        deleted += await this.#call("purge", raceAbort(this.#settled(client.unlink(...keys)), options?.signal));
    } while (cursor !== "0");
    return deleted;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pending = this.#connecting;
    this.#connecting = undefined;
    const client = this.#client ?? (pending ? await pending.catch(() => undefined) : undefined);
    this.#client = undefined;
    this.#watched?.removeListener("close", this.#onClose);
    this.#watched = undefined;
    if (client && this.#ownsClient) {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    }
  }

  #keys(sessionId: string): { turns: string; seq: string; summary: string } {
    const base = `${this.keyPrefix}{${sessionId}}`;
    return { turns: `${base}:turns`, seq: `${base}:seq`, summary: `${base}:summary` };
  }

  async #connect(signal: AbortSignal | undefined): Promise<Redis> {
    if (this.#closed) throw new MemoryClosedError(BACKEND);
    if (this.#client) {
      this.#watch(this.#client);
      if (this.#client.status === "wait") await this.#call("connect", raceAbort(this.#client.connect(), signal));
      return this.#client;
    }
    this.#connecting ??= this.#createClient().finally(() => {
      this.#connecting = undefined;
    });
    return raceAbort(this.#connecting, signal);
  }

  async #createClient(): Promise<Redis> {
    const RedisCtor = await loadIoredis();
    const client = new RedisCtor(this.#url, {
      lazyConnect: true,
      connectTimeout: this.#connectTimeoutMs,
      // Fail a command after one reconnect attempt instead of queueing it for minutes, and never
      // re-send an append whose reply was lost (it may have run): the caller gets an error instead.
      maxRetriesPerRequest: 1,
      autoResendUnfulfilledCommands: false,
      ...this.#redisOptions,
    });
    // Without a listener ioredis prints every reconnect error; we keep the last for our messages.
    client.on("error", (err: Error) => {
      this.#lastError = err;
    });
    try {
      await client.connect();
    } catch (err) {
      client.disconnect();
      throw this.#connectionError("connect", err);
    }
    if (this.#closed) {
      client.disconnect();
      throw new MemoryClosedError(BACKEND);
    }
    this.#client = client;
    this.#watch(client);
    return client;
  }

  #watch(client: Redis): void {
    if (this.#watched === client) return;
    this.#watched = client;
    client.on("close", this.#onClose);
  }

  /**
   * Settles a command when its connection closes. With autoResendUnfulfilledCommands off, ioredis
   * forgets the commands that were in flight at a disconnect without ever settling them, so a
   * request awaiting one would hang forever; here it fails with a connection error instead.
   */
  #settled<T>(command: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#inflight.add(reject);
      command.then(
        (value) => {
          this.#inflight.delete(reject);
          resolve(value);
        },
        (err: unknown) => {
          this.#inflight.delete(reject);
          reject(err as Error);
        },
      );
    });
  }

  async #call<T>(what: string, promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (err) {
      if (isConnectionFailure(err)) throw this.#connectionError(what, err);
      throw toMemoryError(err, BACKEND, what, passwordOf(this.#url));
    }
  }

  #connectionError(what: string, err: unknown): MemoryConnectionError {
    const detail = err instanceof Error ? err.message : String(err);
    const last = this.#lastError && this.#lastError !== err ? ` (last connection error: ${this.#lastError.message})` : "";
    const target = this.#ownsClient ? redactConnectionString(this.#url) : "the client passed in";
    return new MemoryConnectionError(
      `redis memory: ${what} failed, cannot reach Redis at ${target}: ${detail}${last}. ` +
        `Fix: start Redis or point url / REDIS_URL at it (e.g. redis://127.0.0.1:6379).`,
      { backend: BACKEND, cause: err, target: this.#ownsClient ? this.#url : undefined, secrets: passwordOf(this.#url) },
    );
  }
}

function parseStored(sessionId: string, raw: string): Turn {
  const row = JSON.parse(raw) as {
    id: string;
    seq: number;
    createdAt: number;
    inputs: JsonObject;
    outputs: JsonObject;
    metadata?: JsonObject;
  };
  const turn: Turn = { id: row.id, sessionId, seq: row.seq, inputs: row.inputs, outputs: row.outputs, createdAt: row.createdAt };
  if (row.metadata !== undefined) turn.metadata = row.metadata;
  return turn;
}

/**
 * Reads are safe to send again: one that was on the wire when the connection dropped is retried
 * once (ioredis queues it until it has reconnected). Writes are not retried; they fail typed.
 */
async function retryDropped<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!isConnectionFailure(err)) throw err;
    return read();
  }
}

const shaCache = new Map<string, string>();

/** EVALSHA with a fallback to EVAL when the server does not have the script cached yet. */
async function evalScript(client: Redis, script: string, keys: string[], args: string[]): Promise<unknown> {
  let sha = shaCache.get(script);
  if (!sha) {
    sha = createHash("sha1").update(script).digest("hex");
    shaCache.set(script, sha);
  }
  try {
    return await client.evalsha(sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith("NOSCRIPT")) return client.eval(script, keys.length, ...keys, ...args);
    throw err;
  }
}

function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|EAI_AGAIN)$/.test(code))
    return true;
  return (
    err.name === "MaxRetriesPerRequestError" ||
    /Connection is closed|connect ETIMEDOUT|Stream isn't writeable|enableOfflineQueue/i.test(err.message)
  );
}
