import { isKaizenError } from "@kaizen/contracts";

/**
 * A rejection as it crosses processes: plain JSON, so any process can read it back. `name`,
 * `code` and `message` are what callers switch on; the provider fields come along when present.
 */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  retryable?: boolean;
  status?: number;
  provider?: string;
}

/** Errors from outside Kaizen get this code, so `code` is always there to switch on. */
export const UNKNOWN_ERROR_CODE = "unknown_error";

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) {
    return { name: "Error", code: UNKNOWN_ERROR_CODE, message: String(error) };
  }
  const record = error as Error & Record<string, unknown>;
  const out: SerializedError = {
    name: error.name,
    code: isKaizenError(error) ? error.code : typeof record.code === "string" ? record.code : UNKNOWN_ERROR_CODE,
    message: error.message,
  };
  if (typeof record.retryable === "boolean") out.retryable = record.retryable;
  if (typeof record.status === "number") out.status = record.status;
  if (typeof record.provider === "string") out.provider = record.provider;
  return out;
}
