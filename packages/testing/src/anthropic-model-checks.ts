// The sampling parameters the real Messages API rejects per Claude model, answered with its 400
// messages, so a client that sends them fails here as it would there. Written apart from the
// providers' rules table on purpose: a test passes only when the two agree.

/** The 400 message the API sends for these params on this model, or undefined when accepted. */
export function rejectedSampling(model: string, body: Record<string, unknown>): string | undefined {
  const match = /claude-(opus|sonnet|haiku)-(\d+)(?:[-.](\d{1,2})(?!\d))?/.exec(model.toLowerCase());
  if (!match) return undefined;
  const tier = match[1];
  const version = Number(match[2]) * 100 + Number(match[3] ?? 0);
  const temperature = body.temperature !== undefined;
  const topP = body.top_p !== undefined;
  if (tier === "opus" && version >= 407 && temperature) return "`temperature` is deprecated for this model.";
  const exclusive = (tier === "sonnet" && version >= 405 && version <= 406) || (tier === "opus" && version === 405);
  if (exclusive && temperature && topP) {
    return "`temperature` and `top_p` cannot both be specified for this model. Please use only one.";
  }
  return undefined;
}
