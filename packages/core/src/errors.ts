import { KaizenError } from "@kaizen/contracts";
import type { OutputIssue } from "@kaizen/signatures";

// Core re-exports every error an app may catch, so most apps import only core and signatures.
export {
  AbortError,
  AuthenticationError,
  ConfigurationError,
  ContentFilterError,
  InvalidResponseError,
  KaizenError,
  OutputTruncatedError,
  ProviderError,
  RateLimitError,
  RefusalError,
  TimeoutError,
  isKaizenError,
} from "@kaizen/contracts";
export { InputValidationError, SignatureDefinitionError } from "@kaizen/signatures";
export { MemoryConnectionError, MemoryError, SessionIdError } from "@kaizen/memory";

/**
 * The model kept answering with output that does not match the signature, after every re-ask.
 * Carries what it said last, what was wrong with it, and how many answers were tried.
 */
export class OutputValidationError extends KaizenError {
  /** The model's last answer, as text. */
  readonly rawText: string;
  /** What was wrong with the last answer, field by field. */
  readonly issues: readonly OutputIssue[];
  /** How many answers were asked for (1 + re-asks). */
  readonly attempts: number;

  constructor(options: { rawText: string; issues: readonly OutputIssue[]; attempts: number; cause?: unknown }) {
    const first = options.issues.slice(0, 3).map(describeIssue).join("; ");
    const more = options.issues.length > 3 ? ` (and ${options.issues.length - 3} more)` : "";
    super(
      "output_validation_error",
      `The model's output did not match the signature after ${options.attempts} attempt${options.attempts === 1 ? "" : "s"}: ` +
        `${first}${more}. Fix: raise maxReasks, use a model that follows JSON schemas, ` +
        `or set structuredOutput: "json_schema" (or "tool") in BaseAgentConfig.`,
      { cause: options.cause },
    );
    this.rawText = options.rawText;
    this.issues = options.issues;
    this.attempts = options.attempts;
  }
}

function describeIssue(issue: OutputIssue): string {
  const where = issue.path.length > 0 ? issue.path.join(".") : "(output)";
  return `${where}: ${issue.message}`;
}

/**
 * The model kept asking for tools: a reply asked for more after `maxCycles` model -> tools rounds.
 * Carries the setting, the rounds used and the calls of the last round (not run).
 */
export class MaxCyclesError extends KaizenError {
  /** The setting that ran out. */
  readonly field = "maxCycles";
  readonly maxCycles: number;
  /** Model -> tools rounds completed before the run stopped. */
  readonly cyclesUsed: number;
  /** The names of the tools the last reply asked for (not run). */
  readonly pendingTools: readonly string[];

  constructor(options: { maxCycles: number; cyclesUsed: number; pendingTools: readonly string[] }) {
    super(
      "max_cycles_exceeded",
      `The model still asked for tools (${options.pendingTools.join(", ")}) after ${options.cyclesUsed} model -> tools ` +
        `round${options.cyclesUsed === 1 ? "" : "s"}, the limit set by maxCycles = ${options.maxCycles}. ` +
        `Fix: raise maxCycles in BaseAgentConfig, or make the instructions or tool results lead the model to an answer sooner.`,
    );
    this.maxCycles = options.maxCycles;
    this.cyclesUsed = options.cyclesUsed;
    this.pendingTools = options.pendingTools;
  }
}
