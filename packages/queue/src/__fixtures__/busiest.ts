/**
 * The most weight arriving inside any window of `spanMs` (each arrival taken as a window's start),
 * the arrivals sorted by time: with weight 1 a request count, with usage a token count.
 */
export function busiest(arrivals: readonly { at: number; weight?: number }[], spanMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a.at - b.at);
  let most = 0;
  let sum = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    const now = sorted[i] as { at: number; weight?: number };
    sum += now.weight ?? 1;
    for (; (sorted[j] as { at: number }).at <= now.at - spanMs; j++) sum -= (sorted[j] as { weight?: number }).weight ?? 1;
    most = Math.max(most, sum);
  }
  return most;
}
