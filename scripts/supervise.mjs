// Runs one child process so that stopping the chain `npm start` -> bootstrap.mjs -> start.mjs ->
// the chat API stops all of it, however the stop arrives:
// - `kill -TERM <npm>` (Docker, PM2, systemd): npm forwards the signal to its `sh -c`, which dies
//   without passing it on, so this process is orphaned; the parent watch below notices and
//   forwards SIGTERM itself.
// - Ctrl-C or `kill -TERM -<pgid>` (the whole process group): the child runs in its own process
//   group, so it gets the signal once, from here, and not a second time from the terminal (a
//   second SIGINT makes the chat API exit at once instead of draining).
import { spawn } from "node:child_process";
import { constants } from "node:os";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"];
// Taken at load time: a stop that orphans us before the child starts must still count.
const originalParent = process.ppid;
const PARENT_POLL_MS = 200;

/** The exit code a shell reports for a child that ended with `code` or was killed by `signal`. */
export function exitCodeOf(code, signal) {
  if (code !== null) return code;
  return signal ? 128 + (constants.signals[signal] ?? 0) : 1;
}

/**
 * Spawns `cmd args` in its own process group, forwards SIGINT/SIGTERM/SIGHUP to it and sends it
 * SIGTERM when our own parent goes away. Resolves with `{ code, signal, stoppedBy }` when it
 * exits; `stoppedBy` is the first signal that reached us while it ran, if any.
 */
export function runSupervised(cmd, args, options = {}) {
  const child = spawn(cmd, args, { stdio: "inherit", ...options, detached: process.platform !== "win32" });
  let stoppedBy;
  const forward = (signal) => {
    stoppedBy ??= signal;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const handlers = FORWARDED.map((signal) => [signal, () => forward(signal)]);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const watch = setInterval(() => {
    if (process.ppid !== originalParent) {
      clearInterval(watch);
      forward("SIGTERM");
    }
  }, PARENT_POLL_MS);
  return new Promise((resolve, reject) => {
    child.on("error", (err) => {
      clearInterval(watch);
      reject(err);
    });
    child.on("exit", (code, signal) => {
      clearInterval(watch);
      for (const [name, handler] of handlers) process.off(name, handler);
      resolve({ code, signal, stoppedBy });
    });
  });
}
