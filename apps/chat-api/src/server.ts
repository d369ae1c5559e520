import { Redis } from "ioredis";
import { createQARuntime, loadDotEnv, userCwd, type Env, type QARuntime } from "@kaizen/app-shared";
import { buildApp, type BuiltApp } from "./app.js";
import { serverConfigFromEnv, type ServerConfig } from "./config.js";
import { loggerOptions, prettyLogStream } from "./logger.js";
import { startHealthListener, type HealthListener } from "./health-listener.js";
import { startTelemetry, type Telemetry } from "./telemetry.js";

/** How long a rate-limit check may wait on Redis before the limit lapses for that request. */
const RATE_LIMIT_COMMAND_TIMEOUT_MS = 500;

export interface RunningServer {
  app: BuiltApp;
  runtime: QARuntime;
  config: ServerConfig;
  /** "http://HOST:PORT" as bound (PORT=0 picks a free port). */
  url: string;
  /** "http://HOST:HEALTH_PORT" as bound, when HEALTH_PORT is set. */
  healthUrl: string | undefined;
  /**
   * Stops accepting connections, lets the requests in flight finish (up to
   * SHUTDOWN_TIMEOUT_MS), then closes the agent, the memory and the fake LLM server.
   */
  close(): Promise<void>;
}

/** Everything main.ts does except signals and exit codes: also used by tests that want a real port. */
export async function startServer(env: Env = process.env, logStream?: NodeJS.WritableStream): Promise<RunningServer> {
  // .env and the data directory are where the user started the app (the repo root for `npm start`).
  const cwd = userCwd(env);
  if (env === process.env) loadDotEnv(cwd);
  const config = serverConfigFromEnv(env, cwd);
  // Before the agent exists, so that its first span already has a provider to go to.
  const telemetry: Telemetry | undefined = await startTelemetry(env);
  const pretty = config.logFormat === "pretty" || (config.logFormat === "auto" && process.stdout.isTTY === true);
  const stream = logStream ?? (pretty ? await prettyLogStream() : undefined);
  const runtime = await createQARuntime({
    env,
    useAsyncLlm: true,
    tools: true,
    memory: { sqlitePath: config.sqlitePath, namespace: "chat", maxTurns: config.memoryMaxTurns },
    memoryMaxTokens: config.memoryMaxTokens,
    // A short pause between streamed chunks, so that on the fake model the page visibly streams too.
    fake: { streamChunkDelayMs: env["FAKE_LLM_STREAM_DELAY_MS"] === undefined ? 30 : undefined },
  });
  // Its own connection, not memory's: a rate-limit check must never queue behind a session write.
  // Offline commands fail at once, so a Redis outage lapses the limit instead of stalling requests.
  // A Redis that is connected but does not answer (paused, overloaded) would hold the check, which
  // runs before the request's deadline starts, for as long as it stays silent: the command timeout
  // bounds it, and the limit lapses the same way.
  const rateLimitRedis = config.redisUrl
    ? new Redis(config.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        commandTimeout: RATE_LIMIT_COMMAND_TIMEOUT_MS,
      })
    : undefined;
  rateLimitRedis?.on("error", () => undefined);
  let app: BuiltApp;
  // Set once built, so that a failure after it (the port, HEALTH_PORT) closes what was opened.
  let built: BuiltApp | undefined;
  let health: HealthListener | undefined;
  const info = { llm: runtime.llm.kind, model: runtime.llm.model, memory: runtime.memory?.kind ?? "none" };
  try {
    app = built = await buildApp(
      {
        agent: runtime.agent,
        tools: runtime.toolAgent && { agent: runtime.toolAgent, watch: runtime.toolCalls },
        memory: runtime.memory,
        info,
        secrets: runtime.secrets,
      },
      {
        bodyLimitBytes: config.bodyLimitBytes,
        maxMessageChars: config.maxMessageChars,
        maxImageBytes: config.maxImageBytes,
        maxBatchQuestions: config.maxBatchQuestions,
        batchConcurrency: config.batchConcurrency,
        requestTimeoutMs: config.requestTimeoutMs,
        apiKeys: config.apiKeys,
        rateLimitPerMinute: config.rateLimitPerMinute,
        maxInFlight: config.maxInFlight,
        shedHoldMs: config.shedHoldMs,
        maxEventLoopDelayMs: config.maxEventLoopDelayMs,
        rateLimitRedis,
        logger: loggerOptions(config.logLevel, runtime.secrets, stream),
      },
    );
    // A burst of new connections (a load balancer reconnecting, a client storm) past the accept
    // queue has its SYNs dropped and retried after 1, 3, 7 s: a liveness probe among them would time out.
    await app.listen({ port: config.port, host: config.host, backlog: config.listenBacklog });
    if (config.healthPort !== undefined) {
      health = await startHealthListener({ host: config.host, port: config.healthPort, info });
    }
  } catch (err) {
    await built?.close();
    rateLimitRedis?.disconnect();
    await runtime.close();
    await telemetry?.shutdown();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  if (runtime.llm.kind === "fake") {
    app.log.warn(`No OPENAI_API_KEY or ANTHROPIC_API_KEY: running on the FAKE LLM server, not a real model.`);
  }
  // Before the "listening on" line, which tells a supervisor (and the tests) that start-up is over.
  const healthUrl = health && `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${health.port}`;
  if (healthUrl) app.log.info({ healthUrl }, `Liveness probe: ${healthUrl}/health/live (its own thread)`);
  app.log.info({ url, docs: `${url}/docs` }, `Kaizen chat API listening on ${url} using ${runtime.description}`);
  if (telemetry) app.log.info(`OpenTelemetry: spans and metrics to ${telemetry.endpoint} (OTLP/HTTP)`);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const timer = setTimeout(() => {
        app.log.warn(`requests still in flight after ${config.shutdownTimeoutMs} ms: closing their connections`);
        app.server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      timer.unref();
      try {
        // close() also closes each kept-alive connection as it goes idle (app.ts).
        await app.close();
      } finally {
        clearTimeout(timer);
        rateLimitRedis?.disconnect();
        await runtime.close();
        // Alive to the end of the shutdown: a probe then does not restart what is already stopping.
        await health?.close();
        // Last: the spans of the requests that just finished are flushed before the exit.
        await telemetry?.shutdown().catch((err: unknown) => app.log.warn({ err }, "OpenTelemetry shutdown failed"));
      }
    })();
    return closing;
  };
  return { app, runtime, config, url, healthUrl, close };
}
