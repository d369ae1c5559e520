import { z } from "zod";
import { SignatureDefinitionError } from "./errors.js";

// A symbol from the global registry, so field definitions made by two copies of this package
// (a dedupe miss in node_modules) are still recognised.
export const FIELD_BRAND: unique symbol = Symbol.for("kaizen.signatures.field") as never;

/** An input field of a signature. `D` records (for the types) whether it has a default. */
export interface InputFieldDef<S extends z.ZodType = z.ZodString, D extends boolean = boolean> {
  readonly [FIELD_BRAND]: "input";
  readonly kind: "input";
  readonly description: string;
  readonly schema: S;
  readonly hasDefault: D;
  /** The default value (a `z.output` of the schema), used when the input is absent or `undefined`. */
  readonly default?: z.output<S>;
}

/** An output field of a signature: one key of the JSON object the model answers with. */
export interface OutputFieldDef<S extends z.ZodType = z.ZodString> {
  readonly [FIELD_BRAND]: "output";
  readonly kind: "output";
  readonly description: string;
  readonly schema: S;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- variance: these accept every schema type */
export type AnyInputFieldDef = InputFieldDef<any, boolean>;
export type AnyOutputFieldDef = OutputFieldDef<any>;
/* eslint-enable @typescript-eslint/no-explicit-any */
export type AnyFieldDef = AnyInputFieldDef | AnyOutputFieldDef;

export interface InputFieldOptions<S extends z.ZodType> {
  /** What the model is told this input is. Required: it is the input's heading in the prompt. */
  description: string;
  /** Any zod 4 schema; defaults to `z.string()`. */
  schema?: S;
}

export interface InputFieldWithDefaultOptions<S extends z.ZodType> extends InputFieldOptions<S> {
  /** Used when the input is absent or `undefined`; makes the input optional at the call site. */
  default: z.output<S>;
}

export interface OutputFieldOptions<S extends z.ZodType> {
  /** What the model is told to put in this field. Required. */
  description: string;
  /** Any zod 4 schema whose input side has a JSON Schema form; defaults to `z.string()`. */
  schema?: S;
}

/** True for a zod 4 schema (classic or mini, any copy of zod 4): they all carry `_zod.def`. */
export function isZodSchema(value: unknown): value is z.ZodType {
  if (typeof value !== "object" || value === null) return false;
  const internals = (value as { _zod?: unknown })._zod;
  return typeof internals === "object" && internals !== null && typeof (internals as { def?: unknown }).def === "object";
}

function looksLikeZod3(value: unknown): boolean {
  return typeof value === "object" && value !== null && "_def" in value && !("_zod" in value);
}

export function describeValueKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}

function checkOptions(kind: "InputField" | "OutputField", options: unknown): { description: string; schema: z.ZodType } {
  if (typeof options !== "object" || options === null) {
    throw new SignatureDefinitionError(
      `${kind}() needs an options object, e.g. ${kind}({ description: "..." }); received ${describeValueKind(options)}.`,
    );
  }
  const { description, schema } = options as { description?: unknown; schema?: unknown };
  if (typeof description !== "string" || description.trim() === "") {
    throw new SignatureDefinitionError(
      `${kind}() needs a non-empty \`description\` (the model reads it); received ${
        typeof description === "string" ? "an empty string" : describeValueKind(description)
      }. Example: ${kind}({ description: "User question" }).`,
    );
  }
  if (schema === undefined) return { description, schema: z.string() };
  if (!isZodSchema(schema)) {
    const hint = looksLikeZod3(schema)
      ? ' It looks like a zod 3 schema: import { z } from "zod" (version 4).'
      : " Pass a zod 4 schema such as z.number() or z.enum([...]).";
    throw new SignatureDefinitionError(
      `${kind}({ description: ${JSON.stringify(description)} }): \`schema\` is not a zod schema (received ${describeValueKind(
        schema,
      )}).${hint}`,
    );
  }
  return { description, schema };
}

/**
 * Declares an input of a signature. `schema` defaults to `z.string()`; with `default`, the input is optional
 * at the call site and the default is used when it is absent.
 */
// NoInfer in the return types: inside `signature({ inputs: { q: InputField(...) } })` TypeScript would otherwise
// infer S from the contextual type (any) instead of falling back to the z.ZodString default.
export function InputField<S extends z.ZodType = z.ZodString>(
  options: InputFieldWithDefaultOptions<S>,
): InputFieldDef<NoInfer<S>, true>;
export function InputField<S extends z.ZodType = z.ZodString>(options: InputFieldOptions<S>): InputFieldDef<NoInfer<S>, false>;
export function InputField(options: InputFieldOptions<z.ZodType> & { default?: unknown }): AnyInputFieldDef {
  const { description, schema } = checkOptions("InputField", options);
  const hasDefault = "default" in options && options.default !== undefined;
  const def: AnyInputFieldDef = {
    [FIELD_BRAND]: "input",
    kind: "input",
    description,
    schema,
    hasDefault,
    ...(hasDefault ? { default: options.default } : {}),
  };
  return Object.freeze(def);
}

/** Declares an output of a signature: a key of the JSON object the model answers with. `schema` defaults to `z.string()`. */
export function OutputField<S extends z.ZodType = z.ZodString>(options: OutputFieldOptions<S>): OutputFieldDef<NoInfer<S>> {
  const { description, schema } = checkOptions("OutputField", options);
  const def: OutputFieldDef<z.ZodType> = { [FIELD_BRAND]: "output", kind: "output", description, schema };
  return Object.freeze(def) as OutputFieldDef<S>;
}

export function isFieldDef(value: unknown): value is AnyFieldDef {
  if (typeof value !== "object" || value === null) return false;
  const brand = (value as Record<symbol, unknown>)[FIELD_BRAND];
  return brand === "input" || brand === "output";
}
