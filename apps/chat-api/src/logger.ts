import type { FastifyServerOptions } from "fastify";
import { redactSecrets } from "@kaizen/contracts";

/**
 * Fastify's pino logger, JSON lines, with credentials kept out: request headers that carry them
 * are censored, and error messages pass through redactSecrets with the app's own secrets.
 */
export function loggerOptions(
  level: string,
  secrets: readonly string[],
  stream?: NodeJS.WritableStream,
): Exclude<FastifyServerOptions["logger"], boolean | undefined> {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        "req.headers.authorization",
        'req.headers["x-api-key"]',
        'req.headers["api-key"]',
        "req.headers.cookie",
        'res.headers["set-cookie"]',
        "*.apiKey",
        "apiKey",
      ],
      censor: "[redacted]",
    },
    serializers: {
      err(err: Error & { code?: unknown; statusCode?: unknown }) {
        return {
          type: err.name,
          message: redactSecrets(err.message, secrets),
          ...(err.code !== undefined ? { code: err.code } : {}),
          ...(err.statusCode !== undefined ? { statusCode: err.statusCode } : {}),
          // The stack stays in the log (never in a response); it holds no message text beyond line 1.
          stack: err.stack ? redactSecrets(err.stack, secrets) : "",
        };
      },
    },
  };
}

/**
 * Human-readable lines for a terminal (pino-pretty, in process: no worker thread to start).
 * Loaded only when used, so a server logging JSON never imports it.
 */
export async function prettyLogStream(): Promise<NodeJS.WritableStream> {
  const { default: pretty } = await import("pino-pretty");
  // Colours only when the output is a terminal (pino-pretty decides), never into a file or pipe.
  return pretty({ translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
}
