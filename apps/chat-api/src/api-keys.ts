// Optional API keys for the chat API (CHAT_API_KEYS). With keys on, every /api and /batch request
// names one (`Authorization: Bearer <key>` or `x-api-key`), and sessions belong to the key that
// made them: the session id a client sends is stored under a prefix derived from its key, so
// another key's "s1" is a different session and reads back as 404, not as someone else's history.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { MAX_SESSION_ID_LENGTH } from "@kaizen/memory";

const PROTECTED = /^\/(api|batch)(\/|$|\?)/;
const CLIENT_KEY = Symbol("kaizen.clientKey");

type WithClientKey = FastifyRequest & { [CLIENT_KEY]?: string };

const digest = (value: string) => createHash("sha256").update(value).digest();

function presentedKey(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === "string" && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  const header = request.headers["x-api-key"];
  return typeof header === "string" ? header.trim() : undefined;
}

/** A short, stable, non-reversible tag of the key the request was let in with, if keys are on. */
export function clientKeyOf(request: FastifyRequest): string | undefined {
  return (request as WithClientKey)[CLIENT_KEY];
}

export function registerApiKeys(app: FastifyInstance, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const digests = keys.map(digest);
  app.addHook("onRequest", async (request, reply) => {
    if (!PROTECTED.test(request.url)) return undefined;
    const key = presentedKey(request);
    // Compared as equal-length digests in constant time, so the timing tells nothing about a key.
    const given = key ? digest(key) : undefined;
    const match = given !== undefined && digests.some((d) => timingSafeEqual(d, given));
    if (!match || key === undefined) {
      // Never echo what was sent: a near-miss key is still most of a key.
      return reply
        .code(401)
        .header("www-authenticate", 'Bearer realm="kaizen-chat"')
        .send({ detail: "Unauthorized: send one of the server's CHAT_API_KEYS as `Authorization: Bearer <key>`." });
    }
    (request as WithClientKey)[CLIENT_KEY] = `k${createHash("sha256").update(key).digest("hex").slice(0, 10)}`;
    return undefined;
  });
}

/**
 * The id the session is stored under: the client's own id when keys are off, else the id under
 * its key's prefix. An id too long for the prefix is hashed (still deterministic, still within
 * the backends' 128-character rule).
 */
export function storedSessionId(request: FastifyRequest, sessionId: string): string {
  const owner = clientKeyOf(request);
  if (owner === undefined) return sessionId;
  const prefixed = `${owner}:${sessionId}`;
  if (prefixed.length <= MAX_SESSION_ID_LENGTH) return prefixed;
  return `${owner}:h.${createHash("sha256").update(sessionId).digest("hex")}`;
}
