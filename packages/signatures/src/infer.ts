import type { z } from "zod";
import type { AnyInputFieldDef, AnyOutputFieldDef, InputFieldDef, OutputFieldDef } from "./field.js";

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The input field names of a signature instance type. */
export type InputKeys<S> = { [K in keyof S]-?: S[K] extends AnyInputFieldDef ? K : never }[keyof S] & string;
/** The output field names of a signature instance type. */
export type OutputKeys<S> = { [K in keyof S]-?: S[K] extends AnyOutputFieldDef ? K : never }[keyof S] & string;

type InputSchema<F> = F extends InputFieldDef<infer Sc, boolean> ? Sc : never;
type OutputSchema<F> = F extends OutputFieldDef<infer Sc> ? Sc : never;

/** An input may be left out at the call site: it has a default, or its schema accepts `undefined`. */
type OptionalAtCallSite<F> =
  F extends InputFieldDef<infer Sc, infer D> ? (D extends true ? true : undefined extends z.input<Sc> ? true : false) : false;
type OptionalAfterDefaults<F> =
  F extends InputFieldDef<infer Sc, infer D> ? (D extends true ? false : undefined extends z.output<Sc> ? true : false) : false;

/**
 * What a caller passes to `run`/`runAsync`: `{ question: string }` for the README's QASignature. Inputs with a
 * default or an optional schema are optional keys. Values are the zod *input* types of the field schemas.
 */
export type InferInputs<S> = Simplify<
  { [K in InputKeys<S> as OptionalAtCallSite<S[K]> extends true ? never : K]: z.input<InputSchema<S[K]>> } & {
    [K in InputKeys<S> as OptionalAtCallSite<S[K]> extends true ? K : never]?: z.input<InputSchema<S[K]>>;
  }
>;

/** What `validateInputs` returns: zod *output* values, with defaults filled in (so defaulted keys are present). */
export type InferValidatedInputs<S> = Simplify<
  { [K in InputKeys<S> as OptionalAfterDefaults<S[K]> extends true ? never : K]: z.output<InputSchema<S[K]>> } & {
    [K in InputKeys<S> as OptionalAfterDefaults<S[K]> extends true ? K : never]?: z.output<InputSchema<S[K]>>;
  }
>;

/**
 * What a run returns: `{ answer: string; confidence: number }` for the README's QASignature. Values are the zod
 * *output* types of the field schemas; a field whose schema accepts `undefined` is an optional key.
 */
export type InferOutputs<S> = Simplify<
  { [K in OutputKeys<S> as undefined extends z.output<OutputSchema<S[K]>> ? never : K]: z.output<OutputSchema<S[K]>> } & {
    [K in OutputKeys<S> as undefined extends z.output<OutputSchema<S[K]>> ? K : never]?: z.output<OutputSchema<S[K]>>;
  }
>;
