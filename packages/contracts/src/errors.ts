// Typed errors shared by every provider and by the agent runtime. Messages are written for the
// person reading the log: what went wrong and what to do. They never carry an API key:
// everything that reaches a message or a field passes through `redactSecrets`.

const SECRET_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI-style and Anthropic (sk-ant-...) keys
  // A key the vendor masked itself ("Incorrect API key provided: sk-****ghij"): the tail is still
  // a fragment of the key, so it goes too.
  /\bsk-[A-Za-z0-9_*-]*\*[A-Za-z0-9_*-]*/g,
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(x-api-key|api[-_]?key|authorization)(["']?\s*[:=]\s*["']?)[^\s"',}]{6,}/gi,
];

/** Removes anything that looks like a credential from a string. */
export function redactSecrets(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, ...groups: unknown[]) => {
      const name = groups[0];
      const sep = groups[1];
      return typeof name === "string" && typeof sep === "string" ? `${name}${sep}[redacted]` : "[redacted]";
    });
  }
  return out;
}

export interface KaizenErrorOptions {
  cause?: unknown;
}

// A registered symbol, not a module-local one: two copies of this package (a duplicate install,
// a bundled and an unbundled copy) mint the same symbol, so `isKaizenError` and
// `instanceof KaizenError` agree across them.
const KAIZEN_ERROR = Symbol.for("@kaizen/contracts.KaizenError");

/**
 * Base class of every error Kaizen throws, in every package. `code` is stable and safe to switch
 * on; the message names the field at fault and the fix.
 */
export class KaizenError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options: KaizenErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, KAIZEN_ERROR, { value: true, enumerable: false });
  }

  /**
   * `instanceof KaizenError` checks the brand, so it holds across duplicate copies of this
   * package; subclasses keep the ordinary prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === KaizenError) return isKaizenError(value);
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/** True for any error thrown by any Kaizen package, whichever copy of it threw. */
export function isKaizenError(value: unknown): value is KaizenError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[KAIZEN_ERROR] === true;
}

/** A setting is missing or wrong. The message names the setting and the fix. */
export class ConfigurationError extends KaizenError {
  /** The configuration field at fault, e.g. "useAsyncLlm". */
  readonly field: string | undefined;
  constructor(message: string, options: KaizenErrorOptions & { field?: string } = {}) {
    super("configuration_error", message, options);
    this.field = options.field;
  }
}

export interface ProviderErrorOptions extends KaizenErrorOptions {
  provider: string;
  status?: number;
  retryable?: boolean;
  requestId?: string;
  code?: string;
}

/** The provider (or the network to it) failed. Python's RuntimeError in Kaizen for Python. */
export class ProviderError extends KaizenError {
  readonly provider: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly requestId: string | undefined;
  constructor(message: string, options: ProviderErrorOptions) {
    super(options.code ?? "provider_error", message, options);
    this.provider = options.provider;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.requestId = options.requestId;
  }
}

/** HTTP 429. `retryAfterMs` comes from `retry-after-ms` or `Retry-After` when the API sent one. */
export class RateLimitError extends ProviderError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: Omit<ProviderErrorOptions, "retryable" | "code"> & { retryAfterMs?: number }) {
    super(message, { ...options, status: options.status ?? 429, retryable: true, code: "rate_limit" });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** HTTP 401/403, or no key at all. Never retried. */
export class AuthenticationError extends ProviderError {
  constructor(message: string, options: Omit<ProviderErrorOptions, "retryable" | "code">) {
    super(message, { ...options, retryable: false, code: "authentication_error" });
  }
}

/** The call ran past its time budget. */
export class TimeoutError extends ProviderError {
  readonly timeoutMs: number | undefined;
  constructor(message: string, options: Omit<ProviderErrorOptions, "code"> & { timeoutMs?: number }) {
    super(message, { ...options, retryable: options.retryable ?? true, code: "timeout" });
    this.timeoutMs = options.timeoutMs;
  }
}

/** The API answered, but not with something usable (malformed JSON, a cut stream, no choices). */
export class InvalidResponseError extends ProviderError {
  constructor(message: string, options: Omit<ProviderErrorOptions, "code">) {
    super(message, { ...options, retryable: options.retryable ?? true, code: "invalid_response" });
  }
}

/** The caller's AbortSignal fired. Not a provider failure, so not a ProviderError. */
export class AbortError extends KaizenError {
  constructor(message = "The operation was aborted.", options: KaizenErrorOptions = {}) {
    super("aborted", message, options);
  }
}

/** What the model said when it declined to answer, as the API reported it. */
export interface RefusalErrorOptions extends KaizenErrorOptions {
  provider: string;
  /** The model's own explanation, when the API gave one. */
  explanation?: string;
  /** The vendor's raw finish reason, e.g. "refusal". */
  rawFinishReason?: string;
}

/** The model refused to answer. Never re-asked: asking again gets the same refusal. */
export class RefusalError extends KaizenError {
  readonly provider: string;
  readonly explanation: string | undefined;
  readonly rawFinishReason: string | undefined;
  constructor(message: string, options: RefusalErrorOptions) {
    super("refusal", message, options);
    this.provider = options.provider;
    this.explanation = options.explanation;
    this.rawFinishReason = options.rawFinishReason;
  }
}

/** The answer was cut off at the token limit before it was complete. */
export class OutputTruncatedError extends KaizenError {
  readonly provider: string;
  /** The `maxTokens` in force, when one was set. */
  readonly maxTokens: number | undefined;
  /** Output tokens the model used, as reported. */
  readonly outputTokens: number | undefined;
  constructor(message: string, options: KaizenErrorOptions & { provider: string; maxTokens?: number; outputTokens?: number }) {
    super("output_truncated", message, options);
    this.provider = options.provider;
    this.maxTokens = options.maxTokens;
    this.outputTokens = options.outputTokens;
  }
}

/** The vendor's content filter stopped the answer. */
export class ContentFilterError extends KaizenError {
  readonly provider: string;
  readonly rawFinishReason: string | undefined;
  constructor(message: string, options: KaizenErrorOptions & { provider: string; rawFinishReason?: string }) {
    super("content_filter", message, options);
    this.provider = options.provider;
    this.rawFinishReason = options.rawFinishReason;
  }
}

/**
 * A message carries content the provider (or the model behind it) cannot take, e.g. an image
 * sent to a text-only provider. Raised before any request is sent.
 */
export class UnsupportedContentError extends KaizenError {
  readonly provider: string;
  /** The kind of content refused, e.g. "image". */
  readonly contentType: string;
  constructor(message: string, options: KaizenErrorOptions & { provider: string; contentType: string }) {
    super("unsupported_content", message, options);
    this.provider = options.provider;
    this.contentType = options.contentType;
  }
}
