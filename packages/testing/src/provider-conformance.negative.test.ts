// The conformance suite must be able to fail: run it (in a child vitest) against providers with
// deliberate bugs and check it fails exactly the cases those bugs break.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

interface JsonReport {
  testResults: Array<{ assertionResults: Array<{ ancestorTitles: string[]; title: string; status: string }> }>;
}

it("fails a provider that leaks its key, and one that does not retry, on exactly those cases", async () => {
  const vitestBin = join(createRequire(import.meta.url).resolve("vitest/package.json"), "..", "vitest.mjs");
  const config = fileURLToPath(new URL("../test/vitest.broken-providers.config.ts", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "kaizen-conformance-"));
  const output = join(dir, "report.json");
  try {
    await new Promise<void>((resolve) => {
      execFile(
        process.execPath,
        [vitestBin, "run", "--config", config, "--reporter=json", `--outputFile=${output}`],
        { timeout: 90_000 },
        () => resolve(),
      );
    });
    const report = JSON.parse(readFileSync(output, "utf8")) as JsonReport;
    const results = report.testResults.flatMap((f) => f.assertionResults);
    const failed = (suite: string) =>
      results
        .filter((r) => r.ancestorTitles.some((t) => t.endsWith(suite)) && r.status === "failed")
        .map((r) => r.title)
        .sort();
    expect(failed("leaks-key")).toEqual(["never shows the API key in an error (message, String(), fields, causes)"]);
    expect(failed("no-retries")).toEqual(["retries a 429, honouring retry-after, and succeeds", "retries a 500 and succeeds"]);
    expect(results.filter((r) => r.status === "passed").length).toBeGreaterThan(20);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
