import { ContentFilterError, OutputTruncatedError, RefusalError } from "@kaizen/contracts";
import type { ChatResponse } from "@kaizen/contracts";

/**
 * Turns a finish reason that no re-ask can fix into its typed error, once for every provider.
 * A refusal or a filtered answer comes back the same when asked again, so it is never re-asked;
 * a cut-off answer is reported only when it also failed to parse (the cut is then the cause, and
 * a re-ask would be cut off again).
 */
export function finishError(
  response: ChatResponse,
  context: { provider: string; maxTokens: number | undefined; parsed: boolean },
): RefusalError | ContentFilterError | OutputTruncatedError | undefined {
  const raw = response.rawFinishReason === undefined ? {} : { rawFinishReason: response.rawFinishReason };
  switch (response.finishReason) {
    case "refusal": {
      const explanation = response.refusal?.trim() || undefined;
      return new RefusalError(
        `The model (${response.model || context.provider}) refused to answer${explanation ? `: "${explanation}"` : "."} It was not asked again, since a re-ask gets the same refusal. Fix: change the request (inputs or instructions); read the explanation on error.explanation.`,
        { provider: context.provider, ...(explanation === undefined ? {} : { explanation }), ...raw },
      );
    }
    case "content_filter":
      return new ContentFilterError(
        `The ${context.provider} content filter stopped the answer of ${response.model || "the model"}; it was not asked again. Fix: change the inputs, or the filter settings of the deployment.`,
        { provider: context.provider, ...raw },
      );
    case "length": {
      if (context.parsed) return undefined;
      const used = response.usage.outputTokens;
      const budget =
        context.maxTokens === undefined
          ? "the provider's default output limit (no maxTokens was set)"
          : `maxTokens = ${context.maxTokens}`;
      return new OutputTruncatedError(
        `The answer was cut off at ${budget} after ${used} output tokens, before it was complete, so it was not re-asked as a schema problem. Fix: raise maxTokens in generationConfig, or ask for a shorter output.`,
        {
          provider: context.provider,
          ...(context.maxTokens === undefined ? {} : { maxTokens: context.maxTokens }),
          outputTokens: used,
        },
      );
    }
    default:
      return undefined;
  }
}
