// The stream route's tool mode: the run's typed events as server-sent events. A call is announced
// (`tool-call`, with its input) just before it runs, and reported (`tool-result`) once it ended, so
// a page can show each step as it happens; the answer's partials go out as in the plain mode.
import type { AgentStream } from "@kaizen/core";
import type { QAOutputs, ToolCallWatch } from "@kaizen/app-shared";
import { toolCallReport } from "./tool-mode.js";

export type SendEvent = (event: string, data: unknown) => void;

/** Relays the stream until it ends (or `signal` fires); the caller awaits `stream.result` after. */
export async function relayToolStream(
  stream: AgentStream<QAOutputs>,
  watch: ToolCallWatch,
  send: SendEvent,
  signal: AbortSignal,
): Promise<void> {
  const announced = new Set<string>();
  const unwatch = new Map<string, () => void>();
  const announce = (call: { step: number; id: string; name: string; input: unknown }) => {
    announced.add(call.id);
    send("tool-call", { step: call.step, id: call.id, name: call.name, input: call.input });
  };
  let last = "";
  try {
    for await (const event of stream.events()) {
      if (signal.aborted) break;
      switch (event.type) {
        case "tool-call-start":
          // The model started writing the call; its arguments are complete once the onToolCall hook fires.
          unwatch.set(event.id, watch.watch(event.id, announce));
          break;
        case "tool-result": {
          unwatch.get(event.call.id)?.();
          // A provider that does not stream tool calls never said "start": announce it now, still before its result.
          if (!announced.has(event.call.id)) announce({ ...event.call, step: event.step });
          send("tool-result", toolCallReport(event.step, event.call));
          break;
        }
        case "partial-output": {
          const payload = { response: event.output.answer ?? "", confidence: event.output.confidence ?? null };
          const key = JSON.stringify(payload);
          if (key !== last) send("partial", payload);
          last = key;
          break;
        }
        default:
          break;
      }
    }
  } finally {
    for (const stop of unwatch.values()) stop();
  }
}
