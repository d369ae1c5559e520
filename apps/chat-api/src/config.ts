import { resolve } from "node:path";
import { z } from "zod";
import type { Env } from "@kaizen/app-shared";

const int = (fallback: number, min = 0) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) {
        ctx.addIssue({ code: "custom", message: `expected a whole number >= ${min}, got ${JSON.stringify(v)}` });
        return z.NEVER;
      }
      return n;
    });

const envSchema = z.object({
  PORT: int(3000),
  // Unset: /health/live is answered on PORT only. Set: also on this port, from a thread of its own.
  HEALTH_PORT: int(-1),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["auto", "pretty", "json"]).default("auto"),
  KAIZEN_DATA_DIR: z.string().trim().min(1).default(".kaizen"),
  BODY_LIMIT_BYTES: int(256 * 1024, 1024),
  MAX_MESSAGE_CHARS: int(8000, 1),
  MAX_IMAGE_BYTES: int(5 * 1024 * 1024, 1),
  BATCH_MAX_QUESTIONS: int(100, 1),
  BATCH_CONCURRENCY: int(20, 1),
  REQUEST_TIMEOUT_MS: int(60_000, 1),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 0),
  MEMORY_MAX_TURNS: int(50, 1),
  MEMORY_MAX_TOKENS: int(8000, 1),
  RATE_LIMIT_PER_MINUTE: int(300, 0),
  MAX_IN_FLIGHT: int(512, 0),
  SHED_HOLD_MS: int(500, 0),
  LISTEN_BACKLOG: int(2048, 1),
  MAX_EVENT_LOOP_DELAY_MS: int(1000, 0),
  CHAT_API_KEYS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const keys = (v ?? "")
        .split(",")
        .map((k) => k.trim())
        .filter((k) => k !== "");
      // A short key is a guessable key; the message must not repeat it.
      if (keys.some((k) => k.length < 16)) {
        ctx.addIssue({ code: "custom", message: "every key must be at least 16 characters (e.g. `openssl rand -hex 24`)" });
        return z.NEVER;
      }
      return keys;
    }),
  REDIS_URL: z.string().trim().optional(),
});

export interface ServerConfig {
  port: number;
  /** HEALTH_PORT: /health/live on its own port and thread (health-listener.ts); undefined when unset. */
  healthPort: number | undefined;
  host: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** auto: pretty lines in a terminal, JSON lines otherwise (a pipe, a container, a file). */
  logFormat: "auto" | "pretty" | "json";
  sqlitePath: string;
  bodyLimitBytes: number;
  maxMessageChars: number;
  maxImageBytes: number;
  maxBatchQuestions: number;
  batchConcurrency: number;
  requestTimeoutMs: number;
  shutdownTimeoutMs: number;
  memoryMaxTurns: number;
  /** The most tokens of earlier turns in one prompt: the oldest turns beyond it are left out. */
  memoryMaxTokens: number;
  rateLimitPerMinute: number;
  maxInFlight: number;
  shedHoldMs: number;
  /** The kernel's queue of connections not yet accepted (Node's default is 511). */
  listenBacklog: number;
  maxEventLoopDelayMs: number;
  apiKeys: string[];
  /** Set: the rate limit's counters live in this Redis, shared by every instance. */
  redisUrl: string | undefined;
}

/** Reads the server's settings from the environment; a bad value fails start-up naming the variable. */
export function serverConfigFromEnv(env: Env, baseDir: string = process.cwd()): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment: ${lines.join("; ")}. Fix the variable(s) in the environment or .env.`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    healthPort: e.HEALTH_PORT < 0 ? undefined : e.HEALTH_PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    sqlitePath: resolve(baseDir, e.KAIZEN_DATA_DIR, "chat.db"),
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    maxMessageChars: e.MAX_MESSAGE_CHARS,
    maxImageBytes: e.MAX_IMAGE_BYTES,
    maxBatchQuestions: e.BATCH_MAX_QUESTIONS,
    batchConcurrency: e.BATCH_CONCURRENCY,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    memoryMaxTurns: e.MEMORY_MAX_TURNS,
    memoryMaxTokens: e.MEMORY_MAX_TOKENS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    maxInFlight: e.MAX_IN_FLIGHT,
    shedHoldMs: e.SHED_HOLD_MS,
    listenBacklog: e.LISTEN_BACKLOG,
    maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    apiKeys: e.CHAT_API_KEYS,
    redisUrl: e.REDIS_URL === "" ? undefined : e.REDIS_URL,
  };
}
