// Compatible servers often answer errors without OpenAI's `error` member: vLLM and Mistral send
// {"object":"error","message":...}, FastAPI/pydantic servers {"detail":[{"loc":[...],"msg":...}]}.
// The openai SDK reads only `error`, so their message is lost ("422 status code (no body)") and
// neither the user nor the json_schema fallback can see what the server said. This wraps a fetch
// so that such an error body gains an `error` member with the message; OpenAI-shaped bodies and
// successful answers pass untouched. Plain JavaScript: the sync bridge's worker uses it too.

/** @param {unknown} value */
function isRecord(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The message of an error body that has no `error` member, or undefined.
 * @param {Record<string, unknown>} body
 * @returns {string | undefined}
 */
export function errorMessageOf(body) {
  const detailText = (/** @type {unknown} */ detail) => {
    if (typeof detail === "string") return detail;
    if (!Array.isArray(detail)) return undefined;
    const parts = detail.filter(isRecord).map((d) => {
      const loc = Array.isArray(d["loc"]) ? d["loc"].join(".") : "";
      const msg = typeof d["msg"] === "string" ? d["msg"] : JSON.stringify(d);
      return loc ? `${loc}: ${msg}` : msg;
    });
    return parts.length > 0 ? parts.join("; ") : undefined;
  };
  const message = body["message"];
  if (typeof message === "string" && message !== "") return message;
  if (isRecord(message)) return detailText(message["detail"]) ?? JSON.stringify(message);
  return detailText(body["detail"]);
}

/**
 * An error body with OpenAI's `error` member added from the message it carries its own way; any
 * other value comes back as it was.
 * @param {unknown} body
 * @returns {unknown}
 */
export function withErrorMember(body) {
  if (!isRecord(body) || body["error"] !== undefined) return body;
  const message = errorMessageOf(body);
  if (message === undefined) return body;
  const type = typeof body["type"] === "string" ? body["type"] : null;
  return { ...body, error: { message, type, param: null, code: body["code"] ?? null } };
}

/**
 * @param {typeof globalThis.fetch} fetch
 * @returns {typeof globalThis.fetch}
 */
export function withErrorEnvelope(fetch) {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.ok || !/json/i.test(response.headers.get("content-type") ?? "")) return response;
    const text = await response.text();
    let out = text;
    try {
      const body = JSON.parse(text);
      const mended = withErrorMember(body);
      if (mended !== body) out = JSON.stringify(mended);
    } catch {
      // not JSON after all: passed on as it came
    }
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    headers.delete("content-encoding");
    return new Response(out, { status: response.status, statusText: response.statusText, headers });
  };
}
