// A lean `fetch` for the SDK clients, on node:http / node:https with one keep-alive Agent per
// instance. Why: Node's global fetch (undici's WHATWG fetch) spends most of a call's client CPU
// on Request/Response/web-stream/AbortSignal machinery; the same SDK call over node:http costs
// about a third less (docs/benchmarks.md). Plain ESM JavaScript so that the sync bridge's worker
// (which cannot load TypeScript on Node 20) and the TypeScript providers share one implementation.
//
// It covers what the openai and @anthropic-ai/sdk clients send: string or byte bodies, any
// headers form, an AbortSignal, and streamed (SSE) responses. Anything else (FormData, streams,
// Request objects) goes to the global fetch. Redirects are not followed (the APIs do not redirect).
// A connection lost mid-body errors the body stream with Node's Error("aborted", code ECONNRESET)
// where undici says TypeError("terminated"): both map to a retryable connection error.

// node:http and node:https (which brings node:tls) are a good part of a cold `import()` of the
// providers, and nothing needs them before the first request: taken on first use, synchronously.
/** @type {{ http: typeof import("node:http"), https: typeof import("node:https"), stream: typeof import("node:stream"), zlib: typeof import("node:zlib") } | undefined} */
let builtins;
function node() {
  return (builtins ??= {
    http: process.getBuiltinModule("node:http"),
    https: process.getBuiltinModule("node:https"),
    stream: process.getBuiltinModule("node:stream"),
    zlib: process.getBuiltinModule("node:zlib"),
  });
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/** The error fetch rejects with on abort: the signal's reason, by default an AbortError DOMException. */
function abortError(/** @type {AbortSignal} */ signal) {
  return signal.reason !== undefined ? signal.reason : new DOMException("This operation was aborted", "AbortError");
}

/**
 * Headers in any form fetch accepts, as a plain record node:http takes.
 * @param {unknown} headers
 * @returns {Record<string, string>}
 */
function toHeaderRecord(headers) {
  /** @type {Record<string, string>} */
  const out = {};
  if (headers === undefined || headers === null) return out;
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    headers.forEach((value, key) => {
      out[key] = value;
    });
    return out;
  }
  if (Array.isArray(headers) || typeof (/** @type {any} */ (headers)[Symbol.iterator]) === "function") {
    for (const [key, value] of /** @type {Iterable<[string, string]>} */ (headers)) {
      const name = String(key).toLowerCase();
      out[name] = out[name] === undefined ? String(value) : `${out[name]}, ${String(value)}`;
    }
    return out;
  }
  for (const [key, value] of Object.entries(/** @type {Record<string, unknown>} */ (headers))) {
    if (value === undefined) continue;
    const name = key.toLowerCase();
    const text = Array.isArray(value) ? value.join(", ") : String(value);
    out[name] = out[name] === undefined ? text : `${out[name]}, ${text}`;
  }
  return out;
}

/**
 * The request body as bytes, or `false` when this client does not handle that kind of body.
 * @param {unknown} body
 * @returns {Buffer | undefined | false}
 */
function toBodyBuffer(body) {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return false;
}

/**
 * @param {import("node:http").IncomingMessage} res
 * @returns {import("node:stream").Readable}
 */
function decoded(res) {
  // Only when the caller asked for compression (fetch would decode it; node:http does not).
  const encoding = String(res.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  /** @type {import("node:stream").Transform | undefined} */
  let decoder;
  const { zlib } = node();
  if (encoding === "gzip" || encoding === "x-gzip") decoder = zlib.createGunzip();
  else if (encoding === "deflate") decoder = zlib.createInflate();
  else if (encoding === "br") decoder = zlib.createBrotliDecompress();
  if (!decoder) return res;
  const out = decoder;
  res.on("error", (error) => out.destroy(error));
  return res.pipe(out);
}

/**
 * Creates a `fetch` on node:http/node:https with its own keep-alive Agents (one per protocol,
 * made on first use). `close()` destroys the Agents and their sockets; calls made after it
 * still work but open fresh Agents, so close only when the owner is done.
 * @param {{ agentOptions?: import("node:https").AgentOptions }} [options]
 * @returns {{ fetch: typeof globalThis.fetch, close: () => void }}
 */
export function createNodeFetch(options = {}) {
  const { http, https, stream } = node();
  const agentOptions = { keepAlive: true, ...options.agentOptions };
  /** @type {import("node:http").Agent | undefined} */
  let httpAgent;
  /** @type {import("node:https").Agent | undefined} */
  let httpsAgent;

  /** @type {typeof globalThis.fetch} */
  const nodeFetch = (input, init = {}) => {
    /** @type {URL} */
    let url;
    if (typeof input === "string") url = new URL(input);
    else if (input instanceof URL) url = input;
    else return globalThis.fetch(input, init);
    const isHttps = url.protocol === "https:";
    if (!isHttps && url.protocol !== "http:") return globalThis.fetch(input, init);
    const body = toBodyBuffer(init.body);
    if (body === false) return globalThis.fetch(input, init);

    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortError(signal));

    const method = (init.method ?? "GET").toUpperCase();
    const headers = toHeaderRecord(init.headers);
    if (body !== undefined && headers["content-length"] === undefined) headers["content-length"] = String(body.length);
    const agent = isHttps ? (httpsAgent ??= new https.Agent(agentOptions)) : (httpAgent ??= new http.Agent(agentOptions));

    return new Promise((resolve, reject) => {
      /** @type {import("node:http").IncomingMessage | undefined} */
      let response;
      let settled = false;
      const onAbort = () => {
        const error = abortError(/** @type {AbortSignal} */ (signal));
        if (!settled) {
          settled = true;
          reject(error);
        }
        // Destroying with the reason errors the body stream as fetch does mid-body.
        response?.destroy(error);
        req.destroy(error);
      };
      const cleanup = () => signal?.removeEventListener("abort", onAbort);

      const req = (isHttps ? https : http).request(url, { method, headers, agent }, (res) => {
        response = res;
        const status = res.statusCode ?? 500;
        /** @type {Array<[string, string]>} */
        const responseHeaders = [];
        const raw = res.rawHeaders;
        for (let i = 0; i < raw.length; i += 2)
          responseHeaders.push([/** @type {string} */ (raw[i]), /** @type {string} */ (raw[i + 1])]);
        const noBody = method === "HEAD" || NULL_BODY_STATUS.has(status);
        res.once("close", cleanup);
        if (noBody) res.resume();
        const webBody = noBody ? null : /** @type {ReadableStream<Uint8Array>} */ (stream.Readable.toWeb(decoded(res)));
        settled = true;
        try {
          resolve(new Response(webBody, { status, statusText: res.statusMessage ?? "", headers: responseHeaders }));
        } catch (error) {
          res.destroy();
          reject(new TypeError("fetch failed", { cause: error }));
        }
      });
      req.on("error", (error) => {
        cleanup();
        if (settled) return;
        settled = true;
        reject(signal?.aborted ? abortError(signal) : new TypeError("fetch failed", { cause: error }));
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      req.end(body);
    });
  };

  return {
    fetch: nodeFetch,
    close() {
      httpAgent?.destroy();
      httpsAgent?.destroy();
      httpAgent = undefined;
      httpsAgent = undefined;
    },
  };
}
