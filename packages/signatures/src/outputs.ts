import { extractJson } from "@kaizen/contracts";
import { compileSignature } from "./compile.js";
import type { CompiledSignature } from "./compile.js";
import type { OutputIssue } from "./errors.js";
import { describeReceived, truncate } from "./describe-value.js";
import { toOutputIssues } from "./issues.js";
import type { InferOutputs } from "./infer.js";
import type { Signature } from "./signature.js";

/** The outcome of parsing a model's answer: the typed outputs, or the issues to send back in a re-ask. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: OutputIssue[]; raw: string };

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return "[unprintable value]";
    }
  }
}

function expectedObject(compiled: CompiledSignature): string {
  return `a JSON object with the fields ${compiled.outputFields.map((f) => `${f.name}${f.optional ? "?" : ""}`).join(", ")}`;
}

function validateCandidate(
  compiled: CompiledSignature,
  candidate: unknown,
): { ok: true; value: unknown } | { ok: false; issues: OutputIssue[] } {
  if (typeof candidate !== "object" || candidate === null || Array.isArray(candidate)) {
    const expected = expectedObject(compiled);
    const received = describeReceived(candidate);
    return { ok: false, issues: [{ path: [], expected, received, message: `expected ${expected}, received ${received}` }] };
  }
  const parsed = compiled.outputObject.safeParse(candidate);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: toOutputIssues(parsed.error.issues, candidate, compiled.outputTypes) };
}

/**
 * Turns a model's answer into the signature's outputs. Accepts the model's text (plain JSON, a ```json fenced
 * block, or JSON with prose around it) or an already-parsed value (a tool call's arguments). The value holds
 * exactly the output fields (unknown keys are dropped), each the zod output of its schema. No coercion: `"0.9"`
 * is not a number. Never throws: every failure is an issue.
 */
export function parseOutputs<S extends Signature>(sig: S, text: unknown): ParseResult<InferOutputs<S>> {
  // Only a failure carries the raw answer: on the common path it is not worth a JSON.stringify.
  const rawOf = (): string => (typeof text === "string" ? text : safeStringify(text));
  try {
    const compiled = compileSignature(sig);
    let candidates: unknown[];
    if (typeof text === "string") {
      const extracted = extractJson(text);
      if (extracted.candidates.length === 0) {
        const expected = expectedObject(compiled);
        const received = text.trim() === "" ? "an empty response" : `text ${JSON.stringify(truncate(text.trim(), 80))}`;
        return {
          ok: false,
          issues: [{ path: [], expected, received, message: `${extracted.problem ?? "no JSON found"}; expected ${expected}` }],
          raw: rawOf(),
        };
      }
      candidates = extracted.candidates;
    } else {
      candidates = [text];
    }
    // Prose may hold several objects (an example, then the answer): take the first that validates,
    // otherwise report the one closest to valid.
    let best: OutputIssue[] | undefined;
    for (const candidate of candidates) {
      const result = validateCandidate(compiled, candidate);
      if (result.ok) return { ok: true, value: result.value as InferOutputs<S> };
      if (best === undefined || result.issues.length < best.length) best = result.issues;
    }
    return { ok: false, issues: best ?? [], raw: rawOf() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      issues: [
        {
          path: [],
          expected: "a valid signature and outputs",
          received: "an error while validating",
          message: truncate(message, 300),
        },
      ],
      raw: rawOf(),
    };
  }
}

/**
 * The re-ask instruction the agent sends back to the model after an invalid answer: the problems, one per line,
 * and a request for the corrected JSON object only.
 */
export function formatIssuesForReask(issues: readonly OutputIssue[]): string {
  const lines = issues.length === 0 ? ["- the answer could not be validated"] : issues.map((issue) => `- ${issue.message}`);
  return [
    `Your previous answer did not match the required output format. ${issues.length === 1 ? "Problem" : "Problems"}:`,
    ...lines,
    "Reply again with only the corrected JSON object: all required fields, no other keys, no prose, no code fences.",
  ].join("\n");
}
