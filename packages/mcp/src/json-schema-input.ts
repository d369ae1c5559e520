// An MCP server describes each tool's input as JSON Schema, not as zod, so the model's arguments
// are checked with Ajv: the most used and maintained JSON Schema validator for JavaScript, the one
// the MCP SDK itself uses for tool output schemas (so it adds nothing new to an install), and it
// supports draft-07 as well as 2019-09 and 2020-12, the dialects MCP servers emit. Each schema is
// compiled once, when the tools are listed.
import { Ajv } from "ajv";
import type { ErrorObject, Options, ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import formats from "ajv-formats";
import type { JsonSchema, ToolInputCheck } from "@kaizen/contracts";

type Dialect = "draft-07" | "2019-09" | "2020-12";
type AnyAjv = Ajv | Ajv2019 | Ajv2020;

const AJV_OPTIONS: Options = {
  // Servers write schemas for many validators; a keyword Ajv does not know is not the model's fault.
  strict: false,
  allErrors: true,
  // Two tools may share an `$id`; compiling the second must not fail as "already exists".
  addUsedSchema: false,
  // A schema that strays from its meta-schema still validates what it can; rejecting the whole
  // tool for a typo in a description-only keyword would help no one.
  validateSchema: false,
};

/** The dialect a schema declares; MCP says a schema without `$schema` is 2020-12. */
function dialectOf(schema: JsonSchema): Dialect {
  const declared = typeof schema.$schema === "string" ? schema.$schema : "";
  if (declared === "") return "2020-12";
  if (declared.includes("2020-12")) return "2020-12";
  if (declared.includes("2019-09")) return "2019-09";
  return "draft-07";
}

/** Compiles input schemas; one validator per dialect, made when first needed. */
export class InputValidators {
  readonly #ajv = new Map<Dialect, AnyAjv>();

  #instance(dialect: Dialect): AnyAjv {
    let ajv = this.#ajv.get(dialect);
    if (!ajv) {
      // draft-04/06 schemas are read as draft-07, which accepts nearly all of them.
      ajv =
        dialect === "2020-12"
          ? new Ajv2020(AJV_OPTIONS)
          : dialect === "2019-09"
            ? new Ajv2019(AJV_OPTIONS)
            : new Ajv(AJV_OPTIONS);
      formats.default(ajv);
      this.#ajv.set(dialect, ajv);
    }
    return ajv;
  }

  /** Throws Ajv's own error when the schema does not compile; the caller names the tool. */
  compile(schema: JsonSchema): (input: unknown) => ToolInputCheck<Record<string, unknown>> {
    const validate: ValidateFunction = this.#instance(dialectOf(schema)).compile(schema);
    return (input) => {
      // MCP tool arguments are an object; a model that sends nothing means "no arguments".
      const value = input === undefined || input === null ? {} : input;
      if (validate(value)) return { success: true, value: value as Record<string, unknown> };
      return { success: false, message: describeErrors(validate.errors ?? []) };
    };
  }
}

/** Ajv's errors as one line a model can act on: where, and what is wrong. */
function describeErrors(errors: readonly ErrorObject[]): string {
  if (errors.length === 0) return "the input does not match the tool's schema";
  return errors
    .slice(0, 5)
    .map((error) => {
      const where = error.instancePath === "" ? "input" : `input${error.instancePath.replaceAll("/", ".")}`;
      if (error.keyword === "additionalProperties") {
        const extra = (error.params as { additionalProperty?: string }).additionalProperty;
        return `${where} has an unknown property ${JSON.stringify(extra)}`;
      }
      return `${where} ${error.message ?? "is invalid"}`;
    })
    .join("; ");
}
