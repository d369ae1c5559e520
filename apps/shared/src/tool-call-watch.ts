// Tells a caller the moment a tool call of its own run is about to run, with its arguments: the
// stream's own events announce a call as the model starts writing it and report it once its batch
// ended, and a chat page wants to show the call (name and input) in between.
import type { ToolCallEvent } from "@kaizen/core";

export interface WatchedToolCall {
  step: number;
  id: string;
  name: string;
  /** The arguments parsed as JSON, or the text as the model wrote it when it is not JSON. */
  input: unknown;
}

export class ToolCallWatch {
  readonly #listeners = new Map<string, (call: WatchedToolCall) => void>();

  /** Calls `listener` once, when the call with this id (the model's call id) is about to be checked and run. */
  watch(id: string, listener: (call: WatchedToolCall) => void): () => void {
    this.#listeners.set(id, listener);
    return () => {
      if (this.#listeners.get(id) === listener) this.#listeners.delete(id);
    };
  }

  /** How many calls are watched: a leak check for tests. */
  get size(): number {
    return this.#listeners.size;
  }

  /** The agent's onToolCall hook. */
  readonly onToolCall = (event: ToolCallEvent): void => {
    const listener = this.#listeners.get(event.id);
    if (!listener) return;
    this.#listeners.delete(event.id);
    listener({ step: event.step, id: event.id, name: event.name, input: parseArguments(event.arguments) });
  };
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
