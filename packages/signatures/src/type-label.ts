// Renders a JSON Schema (as zod produces it) as a short TypeScript-like type for the prompt:
// `number (>= 0, <= 1)`, `"low" | "high"`, `{ name: string; tags?: string[] }`, `Record<string, number>`.
// The full JSON Schema goes in the prompt too; this is the line a person (and a model) reads first.

type Json = Record<string, unknown>;

const SAFE_MAX = Number.MAX_SAFE_INTEGER;

function literal(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function constraints(schema: Json): string[] {
  const out: string[] = [];
  const num = (key: string): number | undefined => (typeof schema[key] === "number" ? (schema[key] as number) : undefined);
  const type = schema.type;
  const isInt = type === "integer";
  const min = num("minimum");
  const max = num("maximum");
  if (min !== undefined && !(isInt && min <= -SAFE_MAX)) out.push(`>= ${min}`);
  if (num("exclusiveMinimum") !== undefined) out.push(`> ${num("exclusiveMinimum")}`);
  if (max !== undefined && !(isInt && max >= SAFE_MAX)) out.push(`<= ${max}`);
  if (num("exclusiveMaximum") !== undefined) out.push(`< ${num("exclusiveMaximum")}`);
  if (num("multipleOf") !== undefined) out.push(`multiple of ${num("multipleOf")}`);
  const minLength = num("minLength");
  const maxLength = num("maxLength");
  if (minLength !== undefined && minLength === maxLength) out.push(`exactly ${minLength} characters`);
  else {
    if (minLength !== undefined) out.push(`at least ${minLength} character${minLength === 1 ? "" : "s"}`);
    if (maxLength !== undefined) out.push(`at most ${maxLength} characters`);
  }
  const minItems = num("minItems");
  const maxItems = num("maxItems");
  if (Array.isArray(schema.prefixItems)) {
    // A tuple's length is already in its rendering.
  } else if (minItems !== undefined && minItems === maxItems) out.push(`exactly ${minItems} items`);
  else {
    if (minItems !== undefined) out.push(`at least ${minItems} item${minItems === 1 ? "" : "s"}`);
    if (maxItems !== undefined) out.push(`at most ${maxItems} items`);
  }
  if ((schema.format === "image" || schema.format === "file") && schema.type === undefined) {
    // Rendered as the type itself (`image`), not as a constraint.
  } else if (typeof schema.format === "string") out.push(`format: ${schema.format}`);
  else if (typeof schema.pattern === "string") out.push(`pattern: /${schema.pattern}/`);
  return out;
}

function wrap(type: string): string {
  return / \| /.test(type) && !/^[{[]/.test(type) ? `(${type})` : type;
}

interface Ctx {
  /** The root schema's `$defs`, where zod puts recursive and registered schemas. */
  defs: Json | undefined;
  /** Refs being expanded: a recursive schema is expanded once, then shown as `(recursive)` or its name. */
  visiting: ReadonlySet<string>;
  depth: number;
}

function deeper(c: Ctx): Ctx {
  return { ...c, depth: c.depth + 1 };
}

function refLabel(ref: string, c: Ctx): string {
  const name = decodeURIComponent(ref.split("/").pop() ?? "");
  const target = ref.startsWith("#/$defs/") ? c.defs?.[name] : undefined;
  if (target !== undefined && !c.visiting.has(ref)) {
    return bare(target, { ...c, visiting: new Set([...c.visiting, ref]) });
  }
  // zod names anonymous definitions `__schema0`; a name the user chose (`.meta({ id })`) is worth showing.
  return name === "" || name.startsWith("__") ? "(recursive)" : name;
}

function bare(schema: unknown, c: Ctx): string {
  if (typeof schema !== "object" || schema === null) return schema === false ? "never" : "any";
  const s = schema as Json;
  if (c.depth > 6) return "object";
  if (typeof s.$ref === "string") return refLabel(s.$ref, c);
  // An ImageField: no JSON type, the model is sent the image itself.
  if ((s.format === "image" || s.format === "file") && s.type === undefined) return s.format === "image" ? "image" : "PDF file";
  if ("const" in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(" | ");
  const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) return union.map((u) => label(u, deeper(c))).join(" | ");
  if (Array.isArray(s.allOf)) return s.allOf.map((u) => wrap(label(u, deeper(c)))).join(" & ");
  if (Array.isArray(s.type)) return s.type.map((t) => bare({ ...s, type: t }, c)).join(" | ");
  switch (s.type) {
    case "string":
    case "number":
    case "boolean":
    case "null":
      return s.type;
    case "integer":
      return "integer";
    case "array": {
      if (Array.isArray(s.prefixItems)) {
        return `[${s.prefixItems.map((u) => label(u, deeper(c))).join(", ")}]`;
      }
      return `${wrap(label(s.items, deeper(c)))}[]`;
    }
    case "object": {
      const props = s.properties as Record<string, unknown> | undefined;
      if (props && Object.keys(props).length > 0) {
        const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
        const parts = Object.entries(props).map(
          ([key, value]) => `${key}${required.has(key) ? "" : "?"}: ${label(value, deeper(c))}`,
        );
        return `{ ${parts.join("; ")} }`;
      }
      if (typeof s.additionalProperties === "object" && s.additionalProperties !== null) {
        return `Record<string, ${label(s.additionalProperties, deeper(c))}>`;
      }
      return "object";
    }
    default:
      return "any";
  }
}

function label(schema: unknown, c: Ctx): string {
  const type = bare(schema, c);
  if (typeof schema !== "object" || schema === null) return type;
  const extra = constraints(schema as Json);
  return extra.length === 0 ? type : `${type} (${extra.join(", ")})`;
}

/** The compact type of one field's JSON Schema, split into the type and its top-level constraints. */
export function renderTypeParts(schema: Json, defs?: Json): { type: string; constraints: string[] } {
  return { type: bare(schema, { defs, visiting: new Set(), depth: 0 }), constraints: constraints(schema) };
}

/** The compact type of one field's JSON Schema: `number (>= 0, <= 1)`. */
export function renderTypeLabel(schema: Json, defs: Json | undefined = schema.$defs as Json | undefined): string {
  return label(schema, { defs, visiting: new Set(), depth: 0 });
}
