// Reads a V8 .cpuprofile: where the self time goes, by function and by package.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  name: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  functions: SelfTime[];
  packages: SelfTime[];
}

/** "@kaizen/core", "openai", "undici (node internal fetch)", "node internals", ... from a script URL. */
export function packageOf(url: string): string {
  if (url === "") return "(native / VM)";
  if (/\/bench\/(?:src|dist)\//.test(url)) return "bench";
  const kaizen = /\/(packages|apps|tooling)\/([^/]+)\/(?:src|dist)\//.exec(url);
  if (kaizen) return kaizen[1] === "packages" ? `@kaizen/${kaizen[2]}` : `${kaizen[1]}/${kaizen[2]}`;
  const nm = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (nm?.[1]) return nm[1];
  if (url.startsWith("node:internal/deps/undici")) return "undici (Node's fetch)";
  if (url.startsWith("node:")) return "node internals";
  return url;
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf("node_modules/");
  if (i >= 0) return url.slice(i + "node_modules/".length).replace(/^\.pnpm\/[^/]+\/node_modules\//, "");
  const j = url.search(/\/(packages|apps|tooling|bench)\//);
  return j >= 0 ? url.slice(j + 1) : url.replace(/^file:\/\//, "");
}

export function summarizeProfile(profile: CpuProfile, top = 30): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the gap before sample i: attribute it to the sample that follows it.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0));
  }
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    // Idle is the thread waiting for I/O, not CPU spent.
    if (functionName === "(idle)") continue;
    total += us;
    const key = `${functionName || "(anonymous)"}  ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ""}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + us);
    const p = packageOf(url);
    pkg.set(p, (pkg.get(p) ?? 0) + us);
  }
  const rank = (m: Map<string, number>, n: number): SelfTime[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, selfMs: us / 1000, percent: total > 0 ? (100 * us) / total : 0 }));
  return { totalMs: total / 1000, functions: rank(fn, top), packages: rank(pkg, 20) };
}
