import { ConfigurationError, InputValidationError, OutputValidationError, ProviderError } from "@kaizen/core";
import { redactSecrets } from "@kaizen/contracts";

/** What the API answers for a failure: FastAPI's `{ detail }` shape, with the status to send. */
export interface HttpFailure {
  statusCode: number;
  detail: string;
}

/**
 * The seed's error mapping. ConfigurationError is the seed's ValueError (500 "Configuration
 * error"); ProviderError and its family (rate limit, auth, timeout, bad response) are its
 * RuntimeError (503 "Service error"); so is a model that keeps answering outside the signature,
 * since trying again later may well succeed. A question the signature rejects is the caller's
 * fault (400). Everything else is 500 "Internal error". Messages pass through redactSecrets
 * with the app's own secrets, and never carry a stack.
 */
export function toHttpFailure(err: unknown, secrets: readonly string[] = []): HttpFailure {
  const message = redactSecrets(messageOf(err), secrets);
  if (err instanceof ConfigurationError) return { statusCode: 500, detail: `Configuration error: ${message}` };
  if (err instanceof ProviderError || err instanceof OutputValidationError) {
    return { statusCode: 503, detail: `Service error: ${message}` };
  }
  if (err instanceof InputValidationError) return { statusCode: 400, detail: `Invalid input: ${message}` };
  return { statusCode: 500, detail: `Internal error: ${message}` };
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : "unknown error";
}
