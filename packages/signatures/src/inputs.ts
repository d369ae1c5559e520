import { compileSignature } from "./compile.js";
import type { CompiledSignature, FieldShape } from "./compile.js";
import { InputValidationError } from "./errors.js";
import type { OutputIssue } from "./errors.js";
import { closestName } from "./closest-name.js";
import { describeReceived } from "./describe-value.js";
import { toOutputIssues } from "./issues.js";
import type { InferValidatedInputs } from "./infer.js";
import type { Signature } from "./signature.js";

function fieldSummary(field: FieldShape): string {
  return `${field.name}${field.optional ? " (optional)" : ""}`;
}

// Per signature, not per run: it is part of every error message but built on the hot path.
const expectedLists = new WeakMap<CompiledSignature, string>();
function expectedList(compiled: CompiledSignature): string {
  let list = expectedLists.get(compiled);
  if (list === undefined) {
    list = compiled.inputFields.length === 0 ? "none" : compiled.inputFields.map(fieldSummary).join(", ");
    expectedLists.set(compiled, list);
  }
  return list;
}

function cloneDefault(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

/**
 * Checks the inputs of a run against the signature and returns them parsed (zod output values) with defaults
 * filled in. Throws InputValidationError naming the field, what was expected, what was received and the fix:
 * an unknown input (with the closest valid name), a missing one (with the expected ones), a wrong type.
 * Unknown inputs are errors, not dropped: they are almost always typos. `undefined` counts as `{}` when no input is
 * required.
 */
export function validateInputs<S extends Signature>(sig: S, inputs: unknown): InferValidatedInputs<S> {
  const compiled = compileSignature(sig);
  const { name } = compiled.shape;
  const expected = expectedList(compiled);
  // `agent.run()` with no argument is fine when nothing is required.
  if (inputs === undefined && compiled.inputFields.every((f) => f.optional)) inputs = {};
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
    const received = describeReceived(inputs);
    const objectType = `an object with ${compiled.inputNames.length === 0 ? "no keys" : `keys ${expected}`}`;
    throw new InputValidationError(`${name} inputs must be ${objectType}; received ${received}.`, {
      field: "(inputs)",
      expected: objectType,
      received,
      issues: [{ path: [], expected: objectType, received, message: `inputs: expected ${objectType}, received ${received}` }],
    });
  }
  const given = inputs as Record<string, unknown>;
  const issues: OutputIssue[] = [];
  const messages: string[] = [];
  let suggestion: string | undefined;

  const missing = compiled.inputFields.filter((f) => !f.optional && given[f.name] === undefined);
  for (const key of Object.keys(given)) {
    if (compiled.inputNames.includes(key)) continue;
    if (given[key] === undefined) continue;
    // Prefer a name the caller has not already given: that is the one the typo was aiming at.
    const providedKeys = Object.keys(given).filter((k) => given[k] !== undefined);
    const candidates = [...missing.map((f) => f.name), ...compiled.inputNames.filter((n) => !providedKeys.includes(n))];
    const closest = closestName(key, candidates.length > 0 ? candidates : compiled.inputNames);
    suggestion ??= closest;
    const isOutput = compiled.outputNames.includes(key);
    const hint = isOutput
      ? ` "${key}" is an output of ${name}, produced by the model; do not pass it.`
      : closest
        ? ` Did you mean "${closest}"?`
        : "";
    messages.push(`${name} got an unknown input "${key}".${hint} Expected inputs: ${expected}.`);
    issues.push({
      path: [key],
      expected: `one of the inputs: ${expected}`,
      received: `unknown input "${key}"`,
      message: `${key}: unknown input${closest && !isOutput ? ` (did you mean "${closest}"?)` : ""}`,
    });
  }
  for (const field of missing) {
    messages.push(
      `${name} is missing the input "${field.name}" (${field.description}; ${field.type}). Expected inputs: ${expected}.`,
    );
    issues.push({
      path: [field.name],
      expected: field.type,
      received: "nothing (missing)",
      message: `${field.name}: required input is missing (expected ${field.type})`,
    });
  }

  const parsed = compiled.inputObject.safeParse(given);
  if (!parsed.success) {
    const missingNames = new Set(missing.map((f) => f.name));
    const typeIssues = toOutputIssues(parsed.error.issues, given, compiled.inputTypes).filter(
      (issue) => !(issue.path.length >= 1 && missingNames.has(String(issue.path[0])) && issue.path.length === 1),
    );
    for (const issue of typeIssues) {
      const fieldName = String(issue.path[0] ?? "(inputs)");
      const field = compiled.shape.inputs[fieldName];
      const fix = field
        ? ` Pass ${issue.path.length > 1 ? `${fieldName} as` : `a value of type`} ${field.type}${issue.path.length > 1 ? "" : ` for ${fieldName}`}.`
        : "";
      messages.push(`${name} input ${issue.message.replace(/^([^:]+):/, '"$1":')}.${fix}`);
      issues.push(issue);
    }
  }

  if (issues.length > 0) {
    const first = issues[0] as OutputIssue;
    const field = String(first.path[0] ?? "(inputs)");
    const message =
      messages.length === 1
        ? (messages[0] as string)
        : `${messages[0]}\nAll problems:\n${issues.map((i) => `- ${i.message}`).join("\n")}`;
    throw new InputValidationError(message, {
      field,
      expected: first.expected,
      received: first.received,
      ...(suggestion !== undefined ? { suggestion } : {}),
      issues,
    });
  }

  const value = { ...(parsed.data as Record<string, unknown>) };
  for (const field of compiled.inputFields) {
    if (field.hasDefault && value[field.name] === undefined) value[field.name] = cloneDefault(field.default);
  }
  return value as InferValidatedInputs<S>;
}
