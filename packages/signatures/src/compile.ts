import { z } from "zod";
import { SignatureDefinitionError } from "./errors.js";
import type { AnyFieldDef } from "./field.js";
import { isFieldDef, isZodSchema } from "./field.js";
import type { Signature } from "./signature.js";
import { functionalMeta } from "./meta.js";
import { renderTypeParts } from "./type-label.js";

/** One field as the rest of Kaizen sees it. */
export interface FieldShape {
  readonly name: string;
  readonly kind: "input" | "output";
  readonly description: string;
  readonly schema: z.ZodType;
  /** Inputs: may be left out at the call site (a default or an optional schema). Outputs: the model may leave it out. */
  readonly optional: boolean;
  readonly hasDefault: boolean;
  /** The default value of an input, when it has one. */
  readonly default?: unknown;
  /** A compact, TypeScript-like rendering of the type with its constraints, e.g. `number (>= 0, <= 1)`. */
  readonly type: string;
  /** The type alone (`number`) and its top-level constraints (`[">= 0", "<= 1"]`), as the system prompt shows them. */
  readonly typeParts: { readonly type: string; readonly constraints: readonly string[] };
  /** The field's JSON Schema (the input side of its zod schema, i.e. what the model or caller sends), with its description. */
  readonly jsonSchema: Readonly<Record<string, unknown>>;
}

/** What a signature is, derived once per instance and cached. */
export interface SignatureShape {
  /** The class name (or `signatureName`, or the functional form's `name`). */
  readonly name: string;
  /** `static description` (or the functional form's `description`); `""` when none was given. */
  readonly description: string;
  /** Input fields in declaration order (base class fields first). */
  readonly inputs: Readonly<Record<string, FieldShape>>;
  /** Output fields in declaration order (base class fields first). */
  readonly outputs: Readonly<Record<string, FieldShape>>;
}

export interface CompiledSignature {
  shape: SignatureShape;
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputFields: readonly FieldShape[];
  outputFields: readonly FieldShape[];
  /** Inputs object: fields with a default are optional here; defaults are filled in after parsing. */
  inputObject: z.ZodObject;
  /** Outputs object: strips unknown keys, so a parsed value holds exactly the output fields. */
  outputObject: z.ZodObject;
  outputJsonSchema: Record<string, unknown>;
  schemaName: string;
  /** Bare type of each input and output field (`string | null`), for issue messages. */
  inputTypes: Record<string, string>;
  outputTypes: Record<string, string>;
  systemPrompt?: string;
  systemPromptWithoutSchema?: string;
}

/**
 * Names a field can never have: they clash with JavaScript object machinery (`constructor`, `toJSON`,
 * `then` — a `then` output would make every result a thenable that `await` swallows) or with the options
 * the agent takes beside the inputs (`sessionId`, `signal`, `timeoutMs`).
 */
export const RESERVED_FIELD_NAMES: readonly string[] = Object.freeze([
  "constructor",
  "prototype",
  "toJSON",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "then",
  "sessionId",
  "signal",
  "timeoutMs",
]);
const RESERVED = new Set(RESERVED_FIELD_NAMES);
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Every signature's compiled form, keyed by instance: core calls into this package on every run. */
const cache = new WeakMap<object, CompiledSignature>();

const DRAFT = "draft-2020-12";

// Plain z.object() strips unknown keys, so telling the model "no other keys" is honest, and it is what
// OpenAI strict mode needs; loose and catchall objects keep what zod gives them.
function closeObjects(ctx: { zodSchema: { _zod: { def: { type: string } } }; jsonSchema: Record<string, unknown> }): void {
  if (ctx.zodSchema._zod.def.type === "object" && ctx.jsonSchema.additionalProperties === undefined) {
    ctx.jsonSchema.additionalProperties = false;
  }
}

function jsonSchemaOf(schema: z.ZodType, unrepresentable: "throw" | "any"): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: DRAFT, io: "input", unrepresentable, override: closeObjects }) as Record<
    string,
    unknown
  >;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function signatureNameOf(sig: Signature): string {
  const meta = functionalMeta.get(sig);
  if (meta) return meta.name ?? "Signature";
  const ctor = (sig as { constructor?: { name?: unknown; signatureName?: unknown } }).constructor;
  if (typeof ctor?.signatureName === "string" && ctor.signatureName !== "") return ctor.signatureName;
  return typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "Signature";
}

function descriptionOf(sig: Signature, name: string): string {
  const meta = functionalMeta.get(sig);
  if (meta) return meta.description;
  const description = (sig as { constructor?: { description?: unknown } }).constructor?.description;
  if (description === undefined) return "";
  if (typeof description !== "string") {
    throw new SignatureDefinitionError(`${name}: \`static description\` must be a string; received ${typeof description}.`, {
      signature: name,
    });
  }
  return description;
}

/** `^[a-zA-Z0-9_-]{1,64}$`, as OpenAI and Anthropic require for schema and tool names. */
export function toSchemaName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  return cleaned === "" ? "Signature" : cleaned;
}

// zod marks schemas whose key may be absent on input: "optional" (optional, catch) or "defaulted" (default, prefault).
function isOptionalIn(schema: z.ZodType): boolean {
  return (schema as { _zod: { optin?: string } })._zod.optin !== undefined;
}

// A field's own schema stands alone: it carries the root's `$defs` when it refers to them (recursive schemas).
function withDescription(json: Record<string, unknown>, description: string, defs: unknown): Record<string, unknown> {
  const { $schema: _drop, ...rest } = json;
  const refersToDefs = defs !== undefined && JSON.stringify(rest).includes('"$ref":"#/$defs/');
  return refersToDefs ? { ...rest, description, $defs: structuredClone(defs) } : { ...rest, description };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function collectFields(sig: Signature, name: string): Array<[string, AnyFieldDef]> {
  const fields: Array<[string, AnyFieldDef]> = [];
  for (const key of Object.keys(sig)) {
    const value = (sig as Record<string, unknown>)[key];
    if (isFieldDef(value)) {
      fields.push([key, value]);
    } else if (isZodSchema(value)) {
      throw new SignatureDefinitionError(
        `${name}: field "${key}" is a bare zod schema. Wrap it: ${key} = InputField({ description: "...", schema }) or OutputField({ description: "...", schema }).`,
        { signature: name, field: key },
      );
    }
    // Other own properties (helpers a user keeps on the instance) are not fields and are left alone.
  }
  return fields;
}

function checkName(key: string, name: string): void {
  if (RESERVED.has(key) || key.startsWith("__")) {
    throw new SignatureDefinitionError(
      `${name}: "${key}" is a reserved name and cannot be a field (reserved: names starting with "__", ${RESERVED_FIELD_NAMES.join(
        ", ",
      )}). Rename the field.`,
      { signature: name, field: key },
    );
  }
  if (!FIELD_NAME.test(key)) {
    throw new SignatureDefinitionError(
      `${name}: field name "${key}" is not allowed: use letters, digits and "_", starting with a letter or "_" (e.g. "user_question" or "userQuestion").`,
      { signature: name, field: key },
    );
  }
}

/**
 * A default is a zod *output* value, so it can only be checked against the schema when input and output agree
 * (no transform changes the shape): then a default the schema rejects is a definition error, caught now rather
 * than on the first run that relies on it.
 */
function checkDefault(key: string, schema: z.ZodType, value: unknown, name: string): void {
  const same =
    JSON.stringify(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" })) ===
    JSON.stringify(z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }));
  if (!same) return;
  const result = z.safeParse(schema, value);
  if (result.success) return;
  const issue = result.error.issues[0];
  throw new SignatureDefinitionError(
    `${name}: the default of input "${key}" does not match its schema (${issue?.message ?? "invalid"}${
      issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join(".")}` : ""
    }). Fix the default or the schema.`,
    { signature: name, field: key },
  );
}

function compile(sig: Signature): CompiledSignature {
  const name = signatureNameOf(sig);
  const description = descriptionOf(sig, name);
  const fields = collectFields(sig, name);
  for (const [key] of fields) checkName(key, name);
  const inputDefs = fields.filter(([, f]) => f.kind === "input");
  const outputDefs = fields.filter(([, f]) => f.kind === "output");
  if (outputDefs.length === 0) {
    throw new SignatureDefinitionError(
      `${name} has no output field: add at least one, e.g. answer = OutputField({ description: "..." }).`,
      { signature: name },
    );
  }

  const outputShape: Record<string, z.ZodType> = {};
  for (const [key, f] of outputDefs) outputShape[key] = f.schema;
  const outputObject = z.object(outputShape);
  let outputJsonSchema: Record<string, unknown>;
  try {
    outputJsonSchema = jsonSchemaOf(outputObject, "throw");
  } catch (error) {
    // Name the field: the whole-object conversion only says what kind of schema failed.
    for (const [key, f] of outputDefs) {
      try {
        jsonSchemaOf(f.schema, "throw");
      } catch (fieldError) {
        throw new SignatureDefinitionError(
          `${name}: output field "${key}" has a schema with no JSON Schema form (${errorMessage(fieldError)}). ` +
            `The model answers in JSON: use JSON types (e.g. z.iso.datetime() instead of z.date()).`,
          { signature: name, field: key },
        );
      }
    }
    throw new SignatureDefinitionError(`${name}: the outputs have no JSON Schema form (${errorMessage(error)}).`, {
      signature: name,
    });
  }
  const properties = (outputJsonSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [key, f] of outputDefs) properties[key] = { ...properties[key], description: f.description };
  outputJsonSchema.properties = properties;

  for (const [key, f] of inputDefs) if (f.kind === "input" && f.hasDefault) checkDefault(key, f.schema, f.default, name);

  const inputShape: Record<string, z.ZodType> = {};
  for (const [key, f] of inputDefs) inputShape[key] = f.kind === "input" && f.hasDefault ? z.optional(f.schema) : f.schema;
  const inputObject = z.object(inputShape);
  const inputJson = jsonSchemaOf(inputObject, "any");
  const inputProps = (inputJson.properties ?? {}) as Record<string, Record<string, unknown>>;

  const toShape = (key: string, f: AnyFieldDef, json: Record<string, unknown>, defs: unknown): FieldShape => {
    const hasDefault = f.kind === "input" && f.hasDefault;
    const parts = renderTypeParts(json, defs as Record<string, unknown> | undefined);
    const shape: FieldShape = {
      name: key,
      kind: f.kind,
      description: f.description,
      schema: f.schema,
      optional: hasDefault || isOptionalIn(f.schema),
      hasDefault,
      ...(hasDefault ? { default: f.default } : {}),
      type: parts.constraints.length === 0 ? parts.type : `${parts.type} (${parts.constraints.join(", ")})`,
      typeParts: parts,
      jsonSchema: withDescription(json, f.description, defs),
    };
    return shape;
  };
  const inputs: Record<string, FieldShape> = {};
  for (const [key, f] of inputDefs) inputs[key] = toShape(key, f, inputProps[key] ?? {}, inputJson.$defs);
  const outputs: Record<string, FieldShape> = {};
  for (const [key, f] of outputDefs) outputs[key] = toShape(key, f, properties[key] ?? {}, outputJsonSchema.$defs);

  const shape: SignatureShape = { name, description, inputs, outputs };
  Object.freeze(inputs);
  Object.freeze(outputs);
  for (const f of [...Object.values(inputs), ...Object.values(outputs)]) {
    deepFreeze(f.jsonSchema);
    Object.freeze(f);
  }
  Object.freeze(shape);
  return {
    shape,
    inputNames: Object.keys(inputs),
    outputNames: Object.keys(outputs),
    inputFields: Object.values(inputs),
    outputFields: Object.values(outputs),
    inputObject,
    outputObject,
    outputJsonSchema: deepFreeze(outputJsonSchema),
    schemaName: toSchemaName(name),
    inputTypes: Object.fromEntries(Object.values(inputs).map((f) => [f.name, f.typeParts.type])),
    outputTypes: Object.fromEntries(Object.values(outputs).map((f) => [f.name, f.typeParts.type])),
  };
}

function isSignatureLike(value: unknown): value is Signature {
  return typeof value === "object" && value !== null;
}

/** The compiled form of a signature, built on first use and cached per instance. Throws SignatureDefinitionError. */
export function compileSignature(sig: Signature): CompiledSignature {
  if (!isSignatureLike(sig)) {
    throw new SignatureDefinitionError(
      `Expected a signature instance (new QASignature() or signature({...})); received ${sig === null ? "null" : typeof sig}.`,
    );
  }
  let compiled = cache.get(sig);
  if (!compiled) {
    compiled = compile(sig);
    cache.set(sig, compiled);
  }
  return compiled;
}

/**
 * Everything about a signature: name, description, input and output fields (in declaration order) with their
 * descriptions, schemas, type renderings and JSON Schemas. Computed once per instance, then cached.
 *
 * The class form is checked here, on first use (a constructor cannot see a subclass's fields); `new BaseAgent`
 * calls it, so a broken signature fails when the agent is built. Throws SignatureDefinitionError.
 */
export function describeSignature(sig: Signature): SignatureShape {
  return compileSignature(sig).shape;
}

/** The canonical JSON Schema (draft 2020-12) of the outputs object; a fresh copy each call, so callers may change it. */
export function outputJsonSchema(sig: Signature): Record<string, unknown> {
  return structuredClone(compileSignature(sig).outputJsonSchema);
}

/** The output schema's name, for response_format / tool names: the signature name, matching `^[a-zA-Z0-9_-]{1,64}$`. */
export function outputSchemaName(sig: Signature): string {
  return compileSignature(sig).schemaName;
}
