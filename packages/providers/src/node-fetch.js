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

/**
 * Where requestText sends a request: parsed once per endpoint, not per call.
 * @typedef {{ https: boolean, host: string, options: { protocol: string, hostname: string, port: string, path: string } }} NodeTarget
 */
/**
 * A request for requestText: headers as a flat [name, value, ...] array with Host in it, and an
 * optional time limit for the whole exchange.
 * @typedef {{ method: string, headers: string[], body?: string, signal?: AbortSignal, timeoutMs?: number }} TextRequest
 */
/**
 * A whole answer: status, the raw [name, value, ...] header list as received (Node builds its
 * header record lazily, and a call reads three headers of a dozen), the body as text.
 * @typedef {{ status: number, rawHeaders: string[], text: string }} TextAnswer
 */

/** requestText's timeout: the message names the limit; `timedOut` marks it for the caller. */
export class RequestTimeoutError extends Error {
  /** @param {number} ms */
  constructor(ms) {
    super(`Request timed out after ${ms} ms.`);
    this.name = "RequestTimeoutError";
    this.timedOut = true;
  }
}

/**
 * The first value of a header in a raw [name, value, ...] list, case-insensitively.
 * @param {readonly string[]} raw
 * @param {string} name lower-case
 * @returns {string | undefined}
 */
export function rawHeader(raw, name) {
  for (let i = 0; i < raw.length; i += 2) {
    const key = /** @type {string} */ (raw[i]);
    if (key.length === name.length && key.toLowerCase() === name) return raw[i + 1];
  }
  return undefined;
}

/**
 * @param {string} url
 * @returns {NodeTarget | undefined} undefined for anything but http(s)
 */
export function nodeTarget(url) {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  // URL keeps IPv6 hosts bracketed; node:http wants them bare.
  const hostname = parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return {
    https: parsed.protocol === "https:",
    // The Host header node:http would send: the port only when it is not the protocol's default.
    host: parsed.host,
    options: { protocol: parsed.protocol, hostname, port: parsed.port, path: parsed.pathname + parsed.search },
  };
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
  // From the raw list: `res.headers` would build the whole header record just for this.
  const encoding = (rawHeader(res.rawHeaders, "content-encoding") ?? "").trim().toLowerCase();
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
 * @returns {{ fetch: typeof globalThis.fetch, requestText: (target: NodeTarget, init: TextRequest) => Promise<TextAnswer>, requestStream: (target: NodeTarget, init: TextRequest) => Promise<{ status: number, rawHeaders: string[], body: import("node:stream").Readable }>, close: () => void }}
 */
export function createNodeFetch(options = {}) {
  const { http, https, stream } = node();
  const agentOptions = { keepAlive: true, ...options.agentOptions };
  /** @type {import("node:http").Agent | undefined} */
  let httpAgent;
  /** @type {import("node:https").Agent | undefined} */
  let httpsAgent;

  /** The provider's one kept-alive Agent for the scheme, made on first use. */
  const agentFor = (/** @type {boolean} */ isHttps) =>
    isHttps ? (httpsAgent ??= new https.Agent(agentOptions)) : (httpAgent ??= new http.Agent(agentOptions));

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
    const agent = agentFor(isHttps);

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

  /**
   * Sends `init` to `target` on the provider's kept-alive Agent: headers and a string body in one write.
   * @param {NodeTarget} target
   * @param {TextRequest} init
   */
  const send = (target, init) => {
    const agent = agentFor(target.https);
    const headers =
      init.body === undefined ? init.headers : [...init.headers, "content-length", String(Buffer.byteLength(init.body))];
    const req = (target.https ? https : http).request({ ...target.options, method: init.method, headers, agent });
    req.end(init.body, "utf8");
    return req;
  };

  /**
   * One request whose whole answer is read as text: what a non-streaming JSON call needs, without
   * the Response, Headers and web-stream objects a fetch must build (see openai-direct.ts for what
   * that saves). Rejects with Node's own error on a connection failure, the signal's reason on abort.
   * Headers come as a flat [name, value, ...] array with Host in it: node:http then writes them as
   * they are instead of keeping a [name, value] record per header for the request's life, and a
   * string body goes out in the same write as the headers (measured: a tenth of the call's CPU was
   * the two-buffer writev, and 10 000 calls in flight held 30 MB less).
   * @param {NodeTarget} target
   * @param {TextRequest} init
   * @returns {Promise<TextAnswer>}
   */
  const requestText = (target, init) => {
    const { signal, timeoutMs } = init;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const req = send(target, init);
    return new Promise((resolve, reject) => {
      let settled = false;
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      let timer;
      const done = () => {
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const fail = (/** @type {unknown} */ error) => {
        if (settled) return;
        done();
        reject(error);
      };
      const onAbort = () => {
        const error = abortError(/** @type {AbortSignal} */ (signal));
        fail(error);
        req.destroy(error);
      };
      req.on("response", (res) => {
        const source = decoded(res);
        source.setEncoding("utf8");
        let text = "";
        source.on("data", (/** @type {string} */ chunk) => {
          text += chunk;
        });
        source.on("error", fail);
        source.on("end", () => {
          if (settled) return;
          done();
          resolve({ status: res.statusCode ?? 500, rawHeaders: res.rawHeaders, text });
        });
      });
      req.on("error", fail);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeoutMs !== undefined) {
        // The whole exchange, body included: a server that stalls mid-body times out too.
        timer = setTimeout(() => {
          const error = new RequestTimeoutError(timeoutMs);
          fail(error);
          req.destroy(error);
        }, timeoutMs);
      }
    });
  };

  /**
   * One request whose answer is read as it arrives: resolves with the response (its body decoded
   * when the server compressed it) once the headers are in; the caller reads or destroys it.
   * Aborting the signal destroys the request and the body with the signal's reason.
   * @param {NodeTarget} target
   * @param {TextRequest} init
   * @returns {Promise<{ status: number, rawHeaders: string[], body: import("node:stream").Readable }>}
   */
  const requestStream = (target, init) => {
    const { signal } = init;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const req = send(target, init);
    return new Promise((resolve, reject) => {
      let answered = false;
      /** @type {import("node:http").IncomingMessage | undefined} */
      let response;
      const onAbort = () => {
        const error = abortError(/** @type {AbortSignal} */ (signal));
        if (!answered) reject(error);
        response?.destroy(error);
        req.destroy(error);
      };
      req.on("response", (res) => {
        answered = true;
        response = res;
        res.once("close", () => signal?.removeEventListener("abort", onAbort));
        resolve({ status: res.statusCode ?? 500, rawHeaders: res.rawHeaders, body: decoded(res) });
      });
      req.on("error", (error) => {
        if (answered) return;
        signal?.removeEventListener("abort", onAbort);
        reject(error);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  };

  return {
    fetch: nodeFetch,
    requestText,
    requestStream,
    close() {
      httpAgent?.destroy();
      httpsAgent?.destroy();
      httpAgent = undefined;
      httpsAgent = undefined;
    },
  };
}
