// OpenTelemetry for the server process: off unless OTEL_EXPORTER_OTLP_ENDPOINT (or the traces
// endpoint) is set, then the Node SDK with OTLP/HTTP exporters for traces and metrics. The agent's
// spans and metrics go through @opentelemetry/api and need nothing else; without an endpoint the
// SDK is never loaded (it is a few hundred milliseconds of imports), and the API stays a no-op.
import type { Env } from "@kaizen/app-shared";

export interface Telemetry {
  /** Where spans go, for the start-up log. */
  endpoint: string;
  /** Flushes what is buffered and stops the exporters. */
  shutdown(): Promise<void>;
}

const value = (env: Env, name: string) => env[name]?.trim() || undefined;

/** The OTLP/HTTP URL of one signal, as the specification derives it from the two variables. */
function signalUrl(env: Env, signal: "traces" | "metrics"): string | undefined {
  const own = value(env, `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`);
  if (own) return own;
  const base = value(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  return base ? `${base.replace(/\/+$/, "")}/v1/${signal}` : undefined;
}

export async function startTelemetry(env: Env): Promise<Telemetry | undefined> {
  const endpoint = signalUrl(env, "traces");
  if (!endpoint || value(env, "OTEL_SDK_DISABLED")?.toLowerCase() === "true") return undefined;
  const metricsUrl = signalUrl(env, "metrics");
  const [{ NodeSDK }, { OTLPTraceExporter }, { OTLPMetricExporter }, { PeriodicExportingMetricReader }] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/exporter-metrics-otlp-http"),
    import("@opentelemetry/sdk-metrics"),
  ]);
  // The URLs are passed in because `env` may be a .env-merged copy; the exporters still read
  // OTEL_EXPORTER_OTLP_HEADERS and the timeouts from the process environment themselves.
  const sdk = new NodeSDK({
    serviceName: value(env, "OTEL_SERVICE_NAME") ?? "kaizen-chat-api",
    traceExporter: new OTLPTraceExporter({ url: endpoint }),
    metricReaders: metricsUrl
      ? [
          new PeriodicExportingMetricReader({
            exporter: new OTLPMetricExporter({ url: metricsUrl }),
            exportIntervalMillis: Number(value(env, "OTEL_METRIC_EXPORT_INTERVAL")) || 60_000,
          }),
        ]
      : [],
    // No auto-instrumentation: the server span comes from request-tracing.ts, the rest from core.
    instrumentations: [],
  });
  sdk.start();
  return { endpoint, shutdown: () => sdk.shutdown() };
}
