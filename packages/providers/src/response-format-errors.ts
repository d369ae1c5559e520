// Which API errors mean "this server or model does not take response_format: json_schema" (so
// the call may be repeated in json_object mode) and which mean "your schema is wrong" (which a
// downgrade would only hide). One data table each; the examples are the vendors' own wording and
// are the tests' inputs. A schema error is checked first and always wins.
import { ProviderError, type ProviderErrorOptions } from "@kaizen/contracts";

export interface ResponseFormatRule {
  /** Who answers this way. */
  vendor: string;
  pattern: RegExp;
  /** A message as the vendor sends it (see the link in `source`). */
  example: string;
  source: string;
}

/** HTTP statuses a rejection of the format comes with (older DeepSeek and pydantic servers: 422). */
export const RESPONSE_FORMAT_REJECTION_STATUSES: readonly number[] = [400, 422];

export const UNSUPPORTED_RESPONSE_FORMAT: readonly ResponseFormatRule[] = [
  {
    vendor: "OpenAI / Azure OpenAI (a model without Structured Outputs)",
    pattern: /'?response_format'? of type '?json_schema'? is not supported/i,
    example:
      "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model. Learn more about supported models at the Structured Outputs guide: https://platform.openai.com/docs/guides/structured-outputs",
    source: "https://github.com/web-infra-dev/midscene/issues/259",
  },
  {
    vendor: "Azure OpenAI (an api-version before 2024-08-01-preview)",
    pattern: /json_schema is enabled only for api versions?/i,
    example:
      "response_format value as json_schema is enabled only for api versions 2024-08-01-preview and later (request id: 2024100312073850903022739187310)",
    source: "https://github.com/langgenius/dify/issues/8994",
  },
  {
    vendor: "DeepSeek (json_schema is not offered; older deployments answer 422)",
    pattern: /this response_format type is unavailable/i,
    example: "This response_format type is unavailable now",
    source: "as DeepSeek users report it; DeepSeek documents json_object only: https://api-docs.deepseek.com/guides/json_mode",
  },
  {
    vendor: "pydantic-validated servers (e.g. older Mistral, 422): the type must be text or json_object",
    pattern: /input should be '?text'? or '?json_object'?/i,
    example: "Input should be 'text' or 'json_object'",
    source: "https://docs.pydantic.dev/latest/errors/validation_errors/#literal_error",
  },
  {
    vendor: "generic: '<json_schema | structured output | response_format> ... not supported'",
    pattern:
      /\b(json_schema|structured outputs?|response[_ ]format)\b[^.]{0,60}?\b(is not supported|not supported|unsupported|is not available|unavailable|not implemented)\b/i,
    example: "json_schema response format is not supported for this model",
    source: "(common wording of OpenAI-compatible servers; see the tests)",
  },
  {
    vendor: "generic: '... does not support <json_schema | structured output | response_format>'",
    pattern:
      /\b(does not|doesn't|do not|cannot|can't) (yet )?support\b[^.]{0,40}?\b(json_schema|structured outputs?|response[_ ]format)\b/i,
    example: "This model does not support response format `json_schema`.",
    source: "(common wording of OpenAI-compatible servers; see the tests)",
  },
];

/** A schema the API understood as json_schema and rejected: the caller's schema must change. */
export const INVALID_OUTPUT_SCHEMA: readonly ResponseFormatRule[] = [
  {
    vendor: "OpenAI / Azure OpenAI strict mode",
    pattern: /invalid schema for (response_format|function)/i,
    example:
      "Invalid schema for response_format 'answer': In context=(), 'additionalProperties' is required to be supplied and to be false.",
    source: "https://platform.openai.com/docs/guides/structured-outputs#supported-schemas",
  },
  {
    vendor: "OpenAI error code",
    pattern: /\binvalid_json_schema\b/i,
    example: "invalid_json_schema",
    source: "https://platform.openai.com/docs/guides/error-codes",
  },
  {
    vendor: "generic: the schema itself is named as invalid",
    pattern: /\b(invalid|malformed|bad) (json[ _])?schema\b/i,
    example: "Invalid JSON schema: 'type' must be one of object, array, string, number, integer, boolean, null",
    source: "(common wording of OpenAI-compatible servers; see the tests)",
  },
];

export type ResponseFormatErrorKind = "unsupported" | "invalid-schema";

/** Classifies an API error's message; undefined when it is about something else. */
export function classifyResponseFormatError(status: number | undefined, message: string): ResponseFormatErrorKind | undefined {
  if (status === undefined || !RESPONSE_FORMAT_REJECTION_STATUSES.includes(status)) return undefined;
  if (INVALID_OUTPUT_SCHEMA.some((rule) => rule.pattern.test(message))) return "invalid-schema";
  if (UNSUPPORTED_RESPONSE_FORMAT.some((rule) => rule.pattern.test(message))) return "unsupported";
  return undefined;
}

/** The API rejected the output schema itself; no fallback hides it. Not retryable. */
export class OutputSchemaRejectedError extends ProviderError {
  constructor(message: string, options: Omit<ProviderErrorOptions, "code" | "retryable">) {
    super(message, { ...options, retryable: false, code: "output_schema_rejected" });
    this.name = "OutputSchemaRejectedError";
  }
}

/**
 * A ProviderError about the schema becomes OutputSchemaRejectedError, naming the output and the
 * fix; anything else is returned as it was.
 */
export function refineSchemaError(error: unknown, outputName: string | undefined): unknown {
  if (outputName === undefined || !(error instanceof ProviderError) || error instanceof OutputSchemaRejectedError) return error;
  if (classifyResponseFormatError(error.status, error.message) !== "invalid-schema") return error;
  return new OutputSchemaRejectedError(
    `${error.message}. The API rejected the JSON Schema of output "${outputName}", so the call was not repeated in another mode. Fix: correct the schema (strict mode wants every property in required and additionalProperties: false), or set output.mode to "json_object".`,
    {
      provider: error.provider,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    },
  );
}
