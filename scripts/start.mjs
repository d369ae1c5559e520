// Starts the main job, the chat API (apps/chat-api), in the foreground. `npm start` gets here
// through scripts/bootstrap.mjs, which has installed everything and put the pinned pnpm on PATH.
// Builds what the chat API needs (turbo skips what is up to date), then runs it from the repo
// root (so .env and .kaizen/ live there) and hands it SIGINT/SIGTERM for a graceful shutdown.
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exitCodeOf, runSupervised } from "./supervise.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.split("@")[1];
const cachedPnpm = join(root, ".cache", `pnpm-${pinned}`);
// pnpm 11+ enters through bin/pnpm.mjs (it starts the native binary), pnpm 10 through bin/pnpm.cjs.
const pnpmBin = ["pnpm.mjs", "pnpm.cjs"]
  .map((f) => join(cachedPnpm, "node_modules", "pnpm", "bin", f))
  .find((f) => existsSync(f));

// Run directly (`node scripts/start.mjs`), PATH may lack the cached pnpm that turbo looks up.
const env = {
  ...process.env,
  PATH: `${join(cachedPnpm, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
};
const pnpm = pnpmBin !== undefined ? [process.execPath, pnpmBin] : ["pnpm"];

console.log("[kaizen] building the chat API and the packages it uses (turbo run build --filter=@kaizen/chat-api...)");
// Supervised too, so that a stop during the build ends turbo instead of leaving it running.
const build = await runSupervised(
  pnpm[0],
  [...pnpm.slice(1), "exec", "turbo", "run", "build", "--filter=@kaizen/chat-api...", "--output-logs=errors-only"],
  { cwd: root, env },
);
if (build.stoppedBy) process.exit(exitCodeOf(null, build.stoppedBy));
if (build.code !== 0) {
  console.error("[kaizen] the build failed (see above); not starting the chat API");
  process.exit(exitCodeOf(build.code, build.signal));
}

// The server gets SIGINT/SIGTERM forwarded instead of us dying: it finishes the requests in
// flight, then exits, and we exit with its code.
const server = await runSupervised(process.execPath, [join(root, "apps", "chat-api", "dist", "main.js")], {
  cwd: root,
  env: process.env,
});
process.exit(exitCodeOf(server.code, server.signal));
