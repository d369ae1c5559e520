import type { AnyInputFieldDef, AnyOutputFieldDef } from "./field.js";
import { describeValueKind, isFieldDef } from "./field.js";
import { SignatureDefinitionError } from "./errors.js";
import { compileSignature } from "./compile.js";
import { functionalMeta } from "./meta.js";

/**
 * Base class of every signature. Declare fields as instance properties:
 *
 * ```ts
 * class QASignature extends Signature {
 *   static description = "Answer the user's question.";
 *   question = InputField({ description: "User question" });
 *   answer = OutputField({ description: "Detailed answer" });
 * }
 * ```
 *
 * It has no instance members of its own, so every key of a signature instance is a field.
 */
export class Signature {
  /** What the model is asked to do: the first paragraph of the system prompt. */
  static description?: string;
  /** The name used for the output schema (`outputSchemaName`); defaults to the class name. Useful when a bundler renames classes. */
  static signatureName?: string;
}

/** Any signature instance (class or functional form). */
export type AnySignature = Signature;

export interface SignatureSpec<I extends Record<string, AnyInputFieldDef>, O extends Record<string, AnyOutputFieldDef>> {
  /** Used for the output schema name; defaults to "Signature". */
  name?: string;
  description: string;
  inputs: I;
  outputs: O;
}

/** The instance type `signature()` returns: a Signature whose keys are the given fields. */
export type SignatureOf<I extends Record<string, AnyInputFieldDef>, O extends Record<string, AnyOutputFieldDef>> = Signature & {
  readonly [K in keyof I]: I[K];
} & { readonly [K in keyof O]: O[K] };

/**
 * The functional form, for signatures built at run time. Behaves exactly like the class form; the definition
 * is checked here, immediately (a broken one throws SignatureDefinitionError).
 */
export function signature<I extends Record<string, AnyInputFieldDef>, O extends Record<string, AnyOutputFieldDef>>(
  spec: SignatureSpec<I, O>,
): SignatureOf<I, O> {
  if (typeof spec !== "object" || spec === null) {
    throw new SignatureDefinitionError(
      `signature() needs { description, inputs, outputs }; received ${describeValueKind(spec)}.`,
    );
  }
  const { name, description, inputs, outputs } = spec as Partial<SignatureSpec<I, O>>;
  const label = typeof name === "string" && name !== "" ? name : "signature()";
  if (name !== undefined && typeof name !== "string") {
    throw new SignatureDefinitionError(`signature(): \`name\` must be a string; received ${describeValueKind(name)}.`);
  }
  if (typeof description !== "string") {
    throw new SignatureDefinitionError(
      `${label}: \`description\` must be a string saying what the model should do; received ${describeValueKind(description)}.`,
      { signature: name },
    );
  }
  for (const [group, fields] of [
    ["inputs", inputs],
    ["outputs", outputs],
  ] as const) {
    if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
      throw new SignatureDefinitionError(
        `${label}: \`${group}\` must be an object of ${group === "inputs" ? "InputField" : "OutputField"}(...) values; received ${describeValueKind(fields)}.`,
        { signature: name },
      );
    }
  }
  const sig = new Signature();
  const define = (group: "inputs" | "outputs", fields: Record<string, unknown>): void => {
    const want = group === "inputs" ? "input" : "output";
    for (const [key, field] of Object.entries(fields)) {
      if (isFieldDef(field) && field.kind !== want) {
        throw new SignatureDefinitionError(
          `${label}: "${key}" is listed under \`${group}\` but was made with ${field.kind === "input" ? "InputField" : "OutputField"}(). Use ${
            want === "input" ? "InputField" : "OutputField"
          }() for ${group}.`,
          { signature: name, field: key },
        );
      }
      if (Object.prototype.hasOwnProperty.call(sig, key)) {
        throw new SignatureDefinitionError(
          `${label}: "${key}" is used as both an input and an output field. Rename one of them.`,
          { signature: name, field: key },
        );
      }
      Object.defineProperty(sig, key, { value: field, enumerable: true, writable: false, configurable: false });
    }
  };
  define("inputs", inputs as Record<string, unknown>);
  define("outputs", outputs as Record<string, unknown>);
  functionalMeta.set(sig, { name, description });
  compileSignature(sig);
  return sig as SignatureOf<I, O>;
}
