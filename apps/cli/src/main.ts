#!/usr/bin/env node
// kaizen: the seed's "CLI scripts" case on the blocking run(). See README.md.
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createQARuntime, loadDotEnv, userCwd, type QARuntime } from "@kaizen/app-shared";
import { redactSecrets } from "@kaizen/contracts";
import { currentSessionId } from "./session-file.js";

const USAGE = `Usage:
  kaizen ask "question" [--json]      answer one question (blocking run())
  kaizen chat [--session ID] [--new]  a conversation; the session persists in SQLite between invocations

In chat, type a question per line; /help lists the commands, /exit (or Ctrl-D) leaves.
Data lives in KAIZEN_DATA_DIR (default .kaizen): cli.db (SQLite) and cli-session (the current session id).
Uses OPENAI_API_KEY or ANTHROPIC_API_KEY (and MODEL) from the environment or .env; with neither, a fake LLM.`;

const cwd = userCwd();

function usageError(message: string): never {
  process.stderr.write(`kaizen: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function format(confidence: number | undefined): string {
  return typeof confidence === "number" ? `confidence ${confidence.toFixed(2)}` : "";
}

async function openRuntime(withMemory: boolean): Promise<{ runtime: QARuntime; dataDir: string }> {
  loadDotEnv(cwd);
  const dataDir = resolve(cwd, process.env["KAIZEN_DATA_DIR"] ?? ".kaizen");
  const runtime = await createQARuntime({
    env: process.env,
    useAsyncLlm: false,
    memory: withMemory ? { sqlitePath: resolve(dataDir, "cli.db"), sqliteOnly: true } : undefined,
    // run() parks this thread while it waits, so the fake server must answer from another one.
    fake: { inWorker: true },
  });
  if (runtime.llm.kind === "fake") {
    process.stderr.write(
      "kaizen: no OPENAI_API_KEY or ANTHROPIC_API_KEY set: answering with the fake LLM server, not a real model.\n",
    );
  }
  return { runtime, dataDir };
}

async function ask(question: string, json: boolean): Promise<number> {
  const { runtime } = await openRuntime(false);
  try {
    const result = runtime.agent.run({ question });
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(`${result.answer}\n`);
      process.stderr.write(`(${format(result.confidence)})\n`);
    }
    return 0;
  } finally {
    await runtime.close();
  }
}

const CHAT_HELP =
  "Commands: /help this list, /history the conversation so far, /clear forget this session, /exit (or Ctrl-D) leave.";

async function chat(session: string | undefined, fresh: boolean): Promise<number> {
  const { runtime, dataDir } = await openRuntime(true);
  const sessionId = session ?? currentSessionId(resolve(dataDir, "cli-session"), fresh);
  const interactive = Boolean(process.stdin.isTTY);
  const rl = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  const say = (text: string) => process.stdout.write(`${text}\n`);
  if (interactive) say(`Session ${sessionId} (${runtime.description}). /help for commands, /exit to leave.`);
  let left = false;
  try {
    if (interactive) rl.prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === "/exit" || line === "/quit") {
        left = true;
        break;
      }
      if (line === "/help") {
        say(CHAT_HELP);
      } else if (line === "/history") {
        const { turns } = runtime.memory!.load!(sessionId);
        for (const turn of turns) say(`you: ${String(turn.inputs["question"])}\nkaizen: ${String(turn.outputs["answer"])}`);
        if (turns.length === 0) say("(no turns yet)");
      } else if (line === "/clear") {
        runtime.memory!.clear!(sessionId);
        say(`(session ${sessionId} cleared)`);
      } else if (/^\/[a-z]+$/i.test(line)) {
        // A mistyped command is not a question for the model.
        say(`unknown command ${line}. ${CHAT_HELP}`);
      } else if (line) {
        try {
          const result = runtime.agent.run({ question: line }, { sessionId });
          say(`kaizen: ${result.answer}  (${format(result.confidence)})`);
        } catch (err) {
          // One failed question should not end the conversation.
          say(`kaizen: error: ${redactSecrets(err instanceof Error ? err.message : String(err), runtime.secrets)}`);
        }
      }
      if (interactive) rl.prompt();
    }
    // Ctrl-D ends the input on the prompt line: end that line so the shell's prompt starts clean.
    if (interactive && !left) process.stdout.write("\n");
    return 0;
  } finally {
    rl.close();
    await runtime.close();
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
  const { values, positionals } = (() => {
    try {
      return parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          json: { type: "boolean" },
          session: { type: "string", short: "s" },
          new: { type: "boolean" },
          help: { type: "boolean", short: "h" },
        },
      });
    } catch (err) {
      usageError(err instanceof Error ? err.message : String(err));
    }
  })();
  const [command, ...rest] = positionals;
  if (values.help || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === "ask") {
    const question = rest.join(" ").trim();
    if (!question) usageError('ask needs a question, e.g. kaizen ask "What is 2+2?"');
    return ask(question, Boolean(values.json));
  }
  if (command === "chat") {
    if (rest.length > 0) usageError(`chat takes no arguments (got ${rest.join(" ")}); type questions at the prompt`);
    return chat(values.session, Boolean(values.new));
  }
  usageError(command ? `unknown command ${JSON.stringify(command)}` : "missing command");
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`kaizen: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
