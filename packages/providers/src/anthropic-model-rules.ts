// Which sampling parameters each Claude model family accepts: data in one place, applied before
// a request is sent. The Messages API answers 400 to a parameter a model rejects, so a config that
// works on one Claude model ("temperature: 0.7") would fail on the next without this table.
import { ConfigurationError } from "@kaizen/contracts";

export type ClaudeTier = "opus" | "sonnet" | "haiku";
type Version = readonly [major: number, minor: number];

export interface AnthropicModelRule {
  tier: ClaudeTier;
  /** First version the rule applies to, inclusive. */
  from: Version;
  /** Last version the rule applies to, inclusive; open-ended when absent. */
  through?: Version;
  /** Parameters the model rejects outright: they are dropped. */
  rejects?: readonly AnthropicSamplingParam[];
  /** Parameters the model rejects together: the later ones are dropped when all are set. */
  exclusive?: readonly AnthropicSamplingParam[];
  /** What the API says, for the warning. */
  why: string;
}

export type AnthropicSamplingParam = "temperature" | "top_p";

/** The rules, newest first. Sources: Anthropic's model docs and the API's 400 answers. */
export const ANTHROPIC_MODEL_RULES: readonly AnthropicModelRule[] = [
  { tier: "opus", from: [4, 7], rejects: ["temperature"], why: "temperature is deprecated for this model" },
  {
    tier: "sonnet",
    from: [4, 5],
    through: [4, 6],
    exclusive: ["temperature", "top_p"],
    why: "temperature and top_p cannot both be specified for this model",
  },
  {
    tier: "opus",
    from: [4, 5],
    through: [4, 5],
    exclusive: ["temperature", "top_p"],
    why: "temperature and top_p cannot both be specified for this model",
  },
];

/**
 * The tier and version in a Claude model id, wherever it sits: "claude-opus-4-7",
 * "claude-sonnet-4-5-20250929", Bedrock's "anthropic.claude-opus-4-7-v1:0", "claude-opus-4.7".
 * Old-style ids ("claude-3-5-sonnet") and dated 4.0 ids ("claude-opus-4-20250514") read as
 * versions without these rules.
 */
export function claudeVersionOf(model: string): { tier: ClaudeTier; version: Version } | undefined {
  const match = /claude-(opus|sonnet|haiku)-(\d+)(?:[-.](\d{1,2})(?!\d))?/.exec(model.toLowerCase());
  if (!match) return undefined;
  return { tier: match[1] as ClaudeTier, version: [Number(match[2]), Number(match[3] ?? 0)] };
}

const atLeast = (v: Version, w: Version): boolean => v[0] > w[0] || (v[0] === w[0] && v[1] >= w[1]);

export function rulesFor(model: string): AnthropicModelRule[] {
  const found = claudeVersionOf(model);
  if (!found) return [];
  return ANTHROPIC_MODEL_RULES.filter(
    (rule) =>
      rule.tier === found.tier &&
      atLeast(found.version, rule.from) &&
      (rule.through === undefined || atLeast(rule.through, found.version)),
  );
}

export interface ApplyRulesOptions {
  /** Match the rules on this family instead of the model id (a deployment name that hides it). */
  modelFamily?: string;
  /** Throw a ConfigurationError instead of dropping the parameter. */
  strict?: boolean;
  /** Told once per model and parameter dropped. */
  warn: (message: string) => void;
}

const FIELD: Record<AnthropicSamplingParam, string> = { temperature: "temperature", top_p: "topP" };

/** Drops (or, strict, refuses) what the model rejects. Mutates and returns the params. */
export function applyAnthropicModelRules<P extends { model: string; temperature?: number; top_p?: number }>(
  params: P,
  options: ApplyRulesOptions,
): P {
  const family = options.modelFamily ?? params.model;
  for (const rule of rulesFor(family)) {
    const drop: AnthropicSamplingParam[] = [];
    for (const param of rule.rejects ?? []) if (params[param] !== undefined) drop.push(param);
    const exclusive = rule.exclusive ?? [];
    if (exclusive.length > 1 && exclusive.every((param) => params[param] !== undefined)) drop.push(...exclusive.slice(1));
    for (const param of drop) {
      const fix =
        param === "temperature" ? "remove temperature from the config for this model" : "set temperature or topP, not both";
      if (options.strict) {
        throw new ConfigurationError(
          `${FIELD[param]} is rejected by ${family} (the API says: ${rule.why}). Fix: ${fix}, or turn strictModelRules off to have it dropped with a warning.`,
          { field: FIELD[param] },
        );
      }
      options.warn(
        `[kaizen] ${FIELD[param]} was not sent: ${family} rejects it (${rule.why}). Fix: ${fix}; strictModelRules: true makes this an error.`,
      );
      delete params[param];
    }
  }
  return params;
}
