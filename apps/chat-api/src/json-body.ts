// Fastify's own JSON parser refuses `__proto__` too, but as "Body is not valid JSON", which sends
// the client looking for a syntax error. This one names the key. JSON.parse itself is safe here
// (it makes `__proto__` an own property, never the prototype); the key is refused because code
// that later spreads or merges the body could turn it into prototype pollution.
import type { FastifyRequest } from "fastify";

const FORBIDDEN = ["__proto__", "prototype"] as const;

export class BadBodyError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = "BadBodyError";
  }
}

export function parseJsonBody(
  _request: FastifyRequest,
  body: string | Buffer,
  done: (err: Error | null, value?: unknown) => void,
): void {
  const text = typeof body === "string" ? body : body.toString("utf8");
  if (text.trim() === "") {
    done(new BadBodyError('the body is empty; send a JSON object, e.g. {"message": "Hello"}'));
    return;
  }
  let value: unknown;
  try {
    // The reviver walks every key, so it only runs when a forbidden word appears at all.
    value = FORBIDDEN.some((word) => text.includes(word)) ? JSON.parse(text, refuseForbiddenKeys) : JSON.parse(text);
  } catch (err) {
    if (err instanceof BadBodyError) return done(err);
    done(new BadBodyError(`the body is not valid JSON (${(err as Error).message})`));
    return;
  }
  done(null, value);
}

function refuseForbiddenKeys(key: string, value: unknown): unknown {
  const pollutes =
    key === "__proto__" ||
    (key === "constructor" && value !== null && typeof value === "object" && Object.hasOwn(value, "prototype"));
  if (pollutes) throw new BadBodyError(`the key "${key}" is not allowed in a request body; remove it`);
  return value;
}
