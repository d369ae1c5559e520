// The SDK's stdio transport, remembering the child's pid. When the handshake fails the SDK starts
// closing in the background and forgets the child at once, so connectMcp could reject while the
// child still runs; with the pid it can make sure the child is gone first.
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class TrackedStdioTransport extends StdioClientTransport {
  #startedPid: number | undefined;

  override async start(): Promise<void> {
    await super.start();
    this.#startedPid = this.pid ?? undefined;
  }

  /** After a failed handshake: nothing more is owed to the child, so stop it now and wait. */
  async stopStartedChild(): Promise<void> {
    const pid = this.#startedPid;
    if (pid === undefined || !alive(pid)) return;
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      return;
    }
    for (let waited = 0; waited < 2_000 && alive(pid); waited += 25) await sleep(25);
    if (alive(pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}
