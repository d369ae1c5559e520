import type { ServerResponse } from "node:http";

/**
 * An AbortSignal that fires when the client goes away before its answer is sent, so the
 * upstream LLM call stops instead of running on for nobody. (The response's "close" event
 * also fires after a normal finish; `writableFinished` tells the two apart.)
 */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new Error("the client closed the connection"));
  });
  return controller.signal;
}

/** True once the client's connection is gone before its answer was sent. */
export function clientGone(res: ServerResponse): boolean {
  if (res.writableFinished) return false;
  return res.destroyed || res.socket === null || res.socket.destroyed;
}
