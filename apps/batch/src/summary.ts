import type { ResultRecord } from "./results.js";

export interface Summary {
  total: number;
  skipped: number;
  answered: number;
  failed: number;
  /** Stopped by Ctrl-C before an answer; not failures, and left out of the latencies. */
  cancelled: number;
  p50LatencyMs: number | undefined;
  p95LatencyMs: number | undefined;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Undefined when no price is known for the model. */
  costUsd: number | undefined;
  elapsedMs: number;
}

/** Nearest-rank percentile (p in 0..100) of the values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Sums this run's records (items skipped as already answered count only as skipped). */
export function summarize(records: readonly ResultRecord[], total: number, skipped: number, elapsedMs: number): Summary {
  const ok = records.filter((r) => r.status === "ok");
  // A cancelled item's latency is only how long it waited for the Ctrl-C.
  const latencies = records.flatMap((r) => (r.status !== "cancelled" && r.latencyMs !== undefined ? [r.latencyMs] : []));
  const priced = ok.filter((r) => typeof r.costUsd === "number");
  return {
    total,
    skipped,
    answered: ok.length,
    failed: records.filter((r) => r.status === "error").length,
    cancelled: records.filter((r) => r.status === "cancelled").length,
    p50LatencyMs: percentile(latencies, 50),
    p95LatencyMs: percentile(latencies, 95),
    inputTokens: ok.reduce((n, r) => n + (r.usage?.inputTokens ?? 0), 0),
    outputTokens: ok.reduce((n, r) => n + (r.usage?.outputTokens ?? 0), 0),
    totalTokens: ok.reduce((n, r) => n + (r.usage?.totalTokens ?? 0), 0),
    costUsd: priced.length > 0 ? priced.reduce((n, r) => n + (r.costUsd ?? 0), 0) : undefined,
    elapsedMs,
  };
}

export function formatSummary(s: Summary, outPath: string): string {
  const ms = (v: number | undefined) => (v === undefined ? "n/a" : `${Math.round(v)} ms`);
  return [
    `summary: ${s.total} questions: ${s.answered} answered, ${s.failed} failed, ${s.cancelled > 0 ? `${s.cancelled} cancelled (re-run to ask them), ` : ""}${s.skipped} skipped (already answered) in ${(s.elapsedMs / 1000).toFixed(1)} s`,
    `latency: p50 ${ms(s.p50LatencyMs)}, p95 ${ms(s.p95LatencyMs)}`,
    `tokens: ${s.totalTokens} (input ${s.inputTokens}, output ${s.outputTokens})`,
    `cost: ${s.costUsd === undefined ? "n/a (no price known for the model)" : `$${s.costUsd.toFixed(6)}`}`,
    `results: ${outPath}`,
  ].join("\n");
}
