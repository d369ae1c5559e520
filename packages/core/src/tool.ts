// `tool()`: a Tool (the contract in @kaizen/contracts) from a zod schema, its input type inferred,
// its name checked at definition against the rule every vendor enforces.
import { ConfigurationError } from "@kaizen/contracts";
import type { JsonSchema, Tool, ToolExecutionContext } from "@kaizen/contracts";
import { z } from "zod";

/** OpenAI's and Anthropic's rule for function and tool names alike. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export interface ToolOptions<S extends z.ZodType, O> {
  /** `^[a-zA-Z0-9_-]{1,64}$`, unique among an agent's tools. */
  name: string;
  /** What the tool does and when to call it: the model reads this. */
  description?: string;
  /** The input's schema: sent to the model as JSON Schema, and checked before `execute` runs. */
  input: S;
  /** Sync or async; returns any JSON-serialisable value (a string goes to the model as it is). */
  execute: (input: z.output<S>, context: ToolExecutionContext) => O | Promise<O>;
  /** Whether a call must be approved (the run's `onApproval`) before it runs. Default false. */
  needsApproval?: boolean | ((input: z.output<S>) => boolean | Promise<boolean>);
  /** Ask the API for arguments exactly matching the schema where it can. Default true. */
  strict?: boolean;
}

/** A tool built by `tool()`: the contract, plus its zod schema and the strict preference. */
export interface ZodTool<I, O> extends Tool<I, O> {
  readonly inputSchema: z.ZodType<I>;
  readonly strict: boolean;
}

export function tool<S extends z.ZodType, O>(options: ToolOptions<S, O>): ZodTool<z.output<S>, O> {
  const name: unknown = options?.name;
  if (typeof name !== "string" || !TOOL_NAME.test(name)) {
    throw new ConfigurationError(
      `tool() name ${JSON.stringify(name)} is not a valid tool name: it must match ^[a-zA-Z0-9_-]{1,64}$ (letters, digits, _ and -, at most 64), ` +
        `the rule OpenAI and Anthropic both enforce. Fix: e.g. name: "get_weather".`,
      { field: "name" },
    );
  }
  if (!(options.input instanceof z.ZodType)) {
    throw new ConfigurationError(`tool "${name}" needs a zod schema as input, e.g. input: z.object({ city: z.string() }).`, {
      field: "input",
    });
  }
  if (typeof options.execute !== "function") {
    throw new ConfigurationError(`tool "${name}" needs an execute(input, context) function.`, { field: "execute" });
  }
  const approval = options.needsApproval;
  if (approval !== undefined && typeof approval !== "boolean" && typeof approval !== "function") {
    throw new ConfigurationError(`tool "${name}": needsApproval must be true, false or a function (input) => boolean.`, {
      field: "needsApproval",
    });
  }
  const parameters = toParameters(name, options.input);
  const schema = options.input;
  return Object.freeze({
    name,
    ...(options.description === undefined ? {} : { description: options.description }),
    parameters,
    inputSchema: schema as z.ZodType<z.output<S>>,
    strict: options.strict ?? true,
    parseInput(input: unknown) {
      const parsed = schema.safeParse(input);
      if (parsed.success) return { success: true as const, value: parsed.data as z.output<S> };
      return { success: false as const, message: describeIssues(parsed.error) };
    },
    execute: options.execute,
    ...(approval === undefined ? {} : { needsApproval: approval }),
  });
}

function toParameters(name: string, schema: z.ZodType): JsonSchema {
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io: "input" }) as JsonSchema;
  } catch (cause) {
    throw new ConfigurationError(
      `tool "${name}": its input schema cannot be written as JSON Schema (${cause instanceof Error ? cause.message : String(cause)}). ` +
        `Fix: use plain zod types (objects, strings, numbers, enums, arrays); no transforms or custom types in tool inputs.`,
      { field: "input", cause },
    );
  }
  if (json.type !== "object") {
    throw new ConfigurationError(
      `tool "${name}": the input must be a z.object(...) (the APIs pass tool arguments as one object); got a schema of type ${JSON.stringify(json.type)}.`,
      { field: "input" },
    );
  }
  const { $schema: _drop, ...rest } = json;
  return rest;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(input)"}: ${issue.message}`)
    .join("; ");
}
