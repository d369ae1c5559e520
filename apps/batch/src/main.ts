#!/usr/bin/env node
// kaizen-batch: answers a file of questions concurrently through runAsync. See README.md.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createQARuntime, loadDotEnv, userCwd } from "@kaizen/app-shared";
import type { RateLimitOptions } from "@kaizen/queue";
import { answerAll } from "./answer-all.js";
import { answerOnQueue } from "./answer-on-queue.js";
import { checkRedisUrl, DEFAULT_QUEUE_NAME, describeRedisUrl, queueOptionsOf } from "./queue-options.js";
import { runQueueWorker } from "./queue-worker.js";
import { ProgressBar } from "./progress.js";
import { InputFileError, readQuestions } from "./read-questions.js";
import { isAnswered, OrderedAppender, readExistingResults, writeFinalResults, type ResultRecord } from "./results.js";
import { formatSummary, summarize } from "./summary.js";

const USAGE = `Usage: kaizen-batch <questions file> [--out results.jsonl] [--concurrency 20] [--timeout-ms 60000] [--no-progress] [--queue redis://...]
       kaizen-batch worker --queue redis://... [--concurrency 20] [--requests-per-minute N] [--tokens-per-minute N]

  <questions file>  JSONL ({"question"} or {"id","question"} per line), CSV with a "question" column, or one question per line
  --out, -o         where to write JSONL results, in input order (default: results.jsonl)
  --concurrency, -c how many questions in flight at once (default: 20); with worker, in this worker
  --timeout-ms      time budget per question (default: 60000)
  --no-progress     no progress bar on stderr
  --queue           a Redis URL: submit the questions to the queue's workers instead of answering them here
  --queue-name      the queue, the same for its submitters and workers (default: ${DEFAULT_QUEUE_NAME})
  --requests-per-minute, --tokens-per-minute
                    worker: limits shared by all the queue's workers (give each the same)

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
        queue: { type: "string" },
        "queue-name": { type: "string" },
        "requests-per-minute": { type: "string" },
        "tokens-per-minute": { type: "string" },
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
  const concurrency = positiveInt("concurrency", values.concurrency, 20);
  const timeoutMs = positiveInt("timeout-ms", values["timeout-ms"], 60_000);
  const queueName = values["queue-name"] ?? DEFAULT_QUEUE_NAME;
  if (values.queue !== undefined) {
    const problem = checkRedisUrl(values.queue);
    if (problem !== undefined) fail(problem);
  }
  if (positionals[0] === "worker") {
    if (positionals.length !== 1) fail(`worker takes no file, got ${positionals.length - 1}.\n\n${USAGE}`);
    if (values.queue === undefined) fail(`worker needs --queue redis://....\n\n${USAGE}`);
    const rateLimit: RateLimitOptions = {};
    const rpm = values["requests-per-minute"];
    if (rpm !== undefined) rateLimit.requestsPerMinute = positiveInt("requests-per-minute", rpm, 0);
    const tpm = values["tokens-per-minute"];
    if (tpm !== undefined) rateLimit.tokensPerMinute = positiveInt("tokens-per-minute", tpm, 0);
    return work(values.queue, queueName, concurrency, timeoutMs, rpm === undefined && tpm === undefined ? undefined : rateLimit);
  }
  if (values["requests-per-minute"] !== undefined || values["tokens-per-minute"] !== undefined) {
    fail(`--requests-per-minute and --tokens-per-minute are worker options: each worker applies them.\n\n${USAGE}`);
  }
  if (positionals.length !== 1) fail(`expected one questions file, got ${positionals.length}.\n\n${USAGE}`);
  const inputPath = resolve(cwd, positionals[0]!);
  const outPath = resolve(cwd, values.out ?? "results.jsonl");
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
  const queueUrl = values.queue;
  // On a queue the workers ask the model; here nothing but Redis is needed.
  const runtime = queueUrl === undefined ? await createQARuntime({ env: process.env, useAsyncLlm: true, timeoutMs }) : undefined;
  const how =
    runtime === undefined
      ? `on the workers of queue "${queueName}" at ${describeRedisUrl(queueUrl as string)}`
      : `concurrency ${concurrency}, using ${runtime.description}`;
  process.stderr.write(`kaizen-batch: ${items.length} questions (${skipped} already answered in ${outPath}), ${how}\n`);

  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write(
      queueUrl === undefined
        ? "\nkaizen-batch: interrupted; finishing the file (re-run to resume)\n"
        : "\nkaizen-batch: interrupted; cancelling the batch and finishing the file (re-run to resume)\n",
    );
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
    if (runtime === undefined) {
      records = await answerOnQueue({
        queue: queueOptionsOf(queueUrl as string, queueName, undefined),
        items: todo,
        signal: controller.signal,
        timeoutMs,
        onSubmitted: (batchId) => process.stderr.write(`kaizen-batch: submitted as batch ${batchId}\n`),
        onProgress: (p) => progress.update(p.done, p.failed),
      });
      records.forEach((record, position) => appender.add(position, record));
    } else {
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
    }
  } finally {
    process.off("SIGINT", onSigint);
    await runtime?.close();
  }
  const byId = readExistingResults(outPath);
  for (const record of records) byId.set(record.id, record);
  writeFinalResults(outPath, items, byId);

  const summary = summarize(records, items.length, skipped, Date.now() - started);
  process.stderr.write(`${formatSummary(summary, outPath)}\n`);
  return summary.failed > 0 || controller.signal.aborted ? 1 : 0;
}

/** `kaizen-batch worker`: answers the queue's items until SIGINT or SIGTERM, then lets the running ones finish. */
async function work(
  url: string,
  queueName: string,
  concurrency: number,
  timeoutMs: number,
  rateLimit: RateLimitOptions | undefined,
): Promise<number> {
  loadDotEnv(cwd);
  // maxRetries 0: the queue retries, so a provider's 429 pauses every worker of the queue, not one.
  const runtime = await createQARuntime({ env: process.env, useAsyncLlm: true, timeoutMs, maxRetries: 0 });
  const controller = new AbortController();
  const stop = () => {
    process.stderr.write("kaizen-batch worker: stopping after the items in hand\n");
    controller.abort();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await runQueueWorker({
      queue: queueOptionsOf(url, queueName, rateLimit),
      agent: runtime.agent,
      concurrency,
      signal: controller.signal,
      onReady: () =>
        process.stderr.write(
          `kaizen-batch worker: ready, taking items of queue "${queueName}" at ${describeRedisUrl(url)}, concurrency ${concurrency}, using ${runtime.description}\n`,
        ),
    });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await runtime.close();
  }
  return 0;
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
