// Errors of @kaizen/signatures. Like every Kaizen error they extend KaizenError, so one
// `instanceof KaizenError` (or `isKaizenError`) catches bad input as well as provider failures.
import { KaizenError } from "@kaizen/contracts";

/** One problem found while validating inputs or a model's outputs. Precise enough to send back to the model. */
export interface OutputIssue {
  /** Where the problem is: `["confidence"]`, `["items", 2, "name"]`; `[]` for the whole object. */
  path: (string | number)[];
  /** What was expected, e.g. `number <= 1`, `one of "low" | "high"`, `string`. */
  expected: string;
  /** What was received, e.g. `string "0.9"`, `nothing (missing)`, `number 1.5`. */
  received: string;
  /** One line a person or a model can act on. */
  message: string;
}

/** A signature is defined wrongly (no output field, a reserved or duplicate name, a schema that is not zod...). */
export class SignatureDefinitionError extends KaizenError {
  declare readonly code: "signature_definition_error";
  /** The signature at fault (class name or `name`), when known. */
  readonly signature: string | undefined;
  /** The field at fault, when the problem is about one field. */
  readonly field: string | undefined;
  constructor(message: string, options: { signature?: string; field?: string } = {}) {
    super("signature_definition_error", message);
    this.signature = options.signature;
    this.field = options.field;
  }
}

export interface InputValidationErrorOptions {
  field: string;
  expected?: string;
  received?: string;
  suggestion?: string;
  issues: OutputIssue[];
}

/**
 * The inputs given to a signature are wrong: a missing or unknown input, or a value of the wrong type.
 * `field`, `expected`, `received` and `suggestion` describe the first problem; `issues` lists them all.
 */
export class InputValidationError extends KaizenError {
  declare readonly code: "input_validation_error";
  /** The input at fault (`"(inputs)"` when the inputs are not an object at all). */
  readonly field: string;
  readonly expected: string | undefined;
  readonly received: string | undefined;
  /** For an unknown input: the closest valid input name, when one is close enough to be a typo. */
  readonly suggestion: string | undefined;
  readonly issues: OutputIssue[];
  constructor(message: string, options: InputValidationErrorOptions) {
    super("input_validation_error", message);
    this.field = options.field;
    this.expected = options.expected;
    this.received = options.received;
    this.suggestion = options.suggestion;
    this.issues = options.issues;
  }
}
