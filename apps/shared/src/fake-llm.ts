// The vitest-free entry: this runs inside servers and CLIs, not only in tests.
import { startFakeLLMServer, startFakeLLMServerThread } from "@kaizen/testing/fake-llm";

export interface FakeLLMOptions {
  latencyMs?: number;
  streamChunkDelayMs?: number;
  /**
   * Run the server on a worker thread. Needed with the blocking `run()`: it parks the calling
   * thread until the answer is back, so a server on that same thread could never answer.
   */
  inWorker?: boolean;
}

export interface RunningFakeLLM {
  url: string;
  openaiBaseUrl: string;
  close(): Promise<void>;
}

/** The fake LLM server from @kaizen/testing, on this thread or its own. */
export async function startFakeLLM(options: FakeLLMOptions = {}): Promise<RunningFakeLLM> {
  const serverOptions = {
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.streamChunkDelayMs !== undefined ? { streamChunkDelayMs: options.streamChunkDelayMs } : {}),
  };
  const server = options.inWorker ? await startFakeLLMServerThread(serverOptions) : await startFakeLLMServer(serverOptions);
  return { url: server.url, openaiBaseUrl: server.openaiBaseUrl, close: () => server.close() };
}
