#!/usr/bin/env node
// kaizen-batch: answers a file of questions concurrently through runAsync. See README.md.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createQARuntime, loadDotEnv, userCwd } from "@kaizen/app-shared";
import { answerAll } from "./answer-all.js";
import { ProgressBar } from "./progress.js";
import { InputFileError, readQuestions } from "./read-questions.js";
import { isAnswered, OrderedAppender, readExistingResults, writeFinalResults, type ResultRecord } from "./results.js";
import { formatSummary, summarize } from "./summary.js";

const USAGE = `Usage: kaizen-batch <questions file> [--out results.jsonl] [--concurrency 20] [--timeout-ms 60000] [--no-progress]

  <questions file>  JSONL ({"question"} or {"id","question"} per line), CSV with a "question" column, or one question per line
  --out, -o         where to write JSONL results, in input order (default: results.jsonl)
  --concurrency, -c how many questions in flight at once (default: 20)
  --timeout-ms      time budget per question (default: 60000)
  --no-progress     no progress bar on stderr

Re-running with the same --out skips the questions already answered there.
Exit code: 0 when every question has an answer, 1 when any failed, 2 for bad usage.
Uses OPENAI_API_KEY or ANTHROPIC_API_KEY (and MODEL) from the environment or .env; with neither, a fake LLM.`;

const cwd = userCwd();

function fail(message: string, code = 2): never {
  process.stderr.write(`kaizen-batch: ${message}\n`);
  process.exit(code);
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number >= 1 (got ${JSON.stringify(raw)}).`);
  return n;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string", short: "o" },
        concurrency: { type: "string", short: "c" },
        "timeout-ms": { type: "string" },
        "no-progress": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) fail(`expected one questions file, got ${positionals.length}.\n\n${USAGE}`);
  const inputPath = resolve(cwd, positionals[0]!);
  const outPath = resolve(cwd, values.out ?? "results.jsonl");
  const concurrency = positiveInt("concurrency", values.concurrency, 20);
  const timeoutMs = positiveInt("timeout-ms", values["timeout-ms"], 60_000);
  if (!existsSync(inputPath)) fail(`no such file: ${inputPath}`);

  let items;
  try {
    items = readQuestions(inputPath).items;
  } catch (err) {
    if (err instanceof InputFileError) fail(`${inputPath}: ${err.message}`);
    throw err;
  }
  const existing = readExistingResults(outPath);
  const todo = items.filter((item) => !isAnswered(item, existing));
  const skipped = items.length - todo.length;

  loadDotEnv(cwd);
  const runtime = await createQARuntime({ env: process.env, useAsyncLlm: true, timeoutMs });
  process.stderr.write(
    `kaizen-batch: ${items.length} questions (${skipped} already answered in ${outPath}), concurrency ${concurrency}, using ${runtime.description}\n`,
  );

  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write("\nkaizen-batch: interrupted; finishing the file (re-run to resume)\n");
    controller.abort(new Error("interrupted"));
  };
  process.once("SIGINT", onSigint);
  const started = Date.now();
  const progress = new ProgressBar(todo.length, { enabled: !values["no-progress"] });
  const appender = new OrderedAppender(outPath);
  let done = 0;
  let failed = 0;
  progress.update(0, 0);
  let records: ResultRecord[];
  try {
    records = await answerAll({
      agent: runtime.agent,
      items: todo,
      concurrency,
      signal: controller.signal,
      timeoutMs,
      secrets: runtime.secrets,
      onResult: (position, record) => {
        appender.add(position, record);
        // Cancelled items are not done: the bar stays where Ctrl-C left it.
        if (record.status === "cancelled") return;
        done++;
        if (record.status === "error") failed++;
        progress.update(done, failed);
      },
    });
  } finally {
    process.off("SIGINT", onSigint);
    await runtime.close();
  }
  const byId = readExistingResults(outPath);
  for (const record of records) byId.set(record.id, record);
  writeFinalResults(outPath, items, byId);

  const summary = summarize(records, items.length, skipped, Date.now() - started);
  process.stderr.write(`${formatSummary(summary, outPath)}\n`);
  return summary.failed > 0 || controller.signal.aborted ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`kaizen-batch: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
