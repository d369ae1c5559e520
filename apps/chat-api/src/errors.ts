import {
  AuthenticationError,
  ConfigurationError,
  InputValidationError,
  OutputValidationError,
  ProviderError,
} from "@kaizen/core";
import { redactSecrets } from "@kaizen/contracts";
import { MemoryError, SessionIdError } from "@kaizen/memory";

/** What the API answers for a failure: FastAPI's `{ detail }` shape, with the status to send. */
export interface HttpFailure {
  statusCode: number;
  detail: string;
}

/** The one answer for any session-store failure: its detail (host, driver message) goes to the log only. */
export const MEMORY_UNAVAILABLE = "Service error: session memory unavailable";

/** The one answer for a request past its deadline (REQUEST_TIMEOUT_MS), whatever it was waiting on. */
export const REQUEST_TIMED_OUT = "Service error: the request timed out";

/**
 * Kaizen for Python's error mapping. ConfigurationError is Python's ValueError (500 "Configuration
 * error"); ProviderError and its family (rate limit, auth, timeout, bad response) are its
 * RuntimeError (503 "Service error"); so is a model that keeps answering outside the signature,
 * since trying again later may well succeed. A run past its deadline is a 503 with a fixed detail,
 * whatever it waited on (the model or the session store). A session store that fails is a 503 too, with a fixed
 * detail: its messages name hosts and drivers. A rejected API key is a fixed detail as well, since
 * providers echo a masked key tail. A question the signature rejects is the caller's fault (400).
 * Everything else is 500 "Internal error". Messages pass through redactSecrets with the app's own
 * secrets, and never carry a stack.
 */
export function toHttpFailure(err: unknown, secrets: readonly string[] = []): HttpFailure {
  if (err instanceof SessionIdError) return { statusCode: 400, detail: `Invalid session id: ${err.message}` };
  if (err instanceof MemoryError) return { statusCode: 503, detail: MEMORY_UNAVAILABLE };
  if (err instanceof AuthenticationError) {
    return { statusCode: 503, detail: "Service error: the model provider rejected the server's credentials" };
  }
  // Before ProviderError, which core's TimeoutError extends: the run's own message tells a developer
  // to "raise timeoutMs (in the run options or BaseAgentConfig)", nothing an API client can act on.
  if (isTimeout(err)) return { statusCode: 503, detail: REQUEST_TIMED_OUT };
  const message = redactSecrets(messageOf(err), secrets);
  if (err instanceof ConfigurationError) return { statusCode: 500, detail: `Configuration error: ${message}` };
  if (err instanceof ProviderError || err instanceof OutputValidationError) {
    return { statusCode: 503, detail: `Service error: ${message}` };
  }
  if (err instanceof InputValidationError) return { statusCode: 400, detail: `Invalid input: ${message}` };
  return { statusCode: 500, detail: `Internal error: ${message}` };
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === "TimeoutError";
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : "unknown error";
}
