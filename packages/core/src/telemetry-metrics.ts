import type { Attributes, Histogram, Meter, MeterProvider } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_TOKEN_TYPE,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from "./genai-attributes.js";
import type { OtelApi } from "./otel-api.js";

// The bucket boundaries the GenAI conventions recommend for these two histograms.
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

interface Instruments {
  provider: MeterProvider;
  /** The provider is the API's no-op one (its meter is the no-op meter singleton). */
  noop: boolean;
  duration: Histogram;
  tokens: Histogram;
}

let cached: Instruments | undefined;
let noopMeter: Meter | undefined;

/** No MeterProvider is registered: recording would be dropped. */
export function metricsAreOff(api: OtelApi): boolean {
  return instruments(api).noop;
}

// The metrics API, unlike the trace API, has no proxy: a meter taken before the app registers its
// MeterProvider stays a no-op forever. So the instruments follow the current global provider.
function instruments(api: OtelApi): Instruments {
  noopMeter ??= api.createNoopMeter();
  const provider = api.metrics.getMeterProvider();
  if (cached?.provider !== provider) {
    const meter = provider.getMeter("@kaizen/core");
    cached = {
      provider,
      noop: meter === noopMeter,
      duration: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
        description: "GenAI operation duration.",
        unit: "s",
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      tokens: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
        description: "Number of input and output tokens used.",
        unit: "{token}",
        advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
      }),
    };
  }
  return cached;
}

/** Records one model call: its duration, and its token counts when it answered. */
export function recordChatMetrics(
  api: OtelApi,
  attributes: Attributes,
  seconds: number,
  usage: { inputTokens: number; outputTokens: number } | undefined,
): void {
  const { duration, tokens } = instruments(api);
  duration.record(seconds, attributes);
  if (usage === undefined) return;
  tokens.record(usage.inputTokens, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: "input" });
  tokens.record(usage.outputTokens, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: "output" });
}
