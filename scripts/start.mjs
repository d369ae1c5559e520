// Starts the main job, the chat API (apps/chat-api), in the foreground. `npm start` gets here
// through scripts/bootstrap.mjs, which has installed everything and put the pinned pnpm on PATH.
// Builds what the chat API needs (turbo skips what is up to date), then runs it from the repo
// root (so .env and .kaizen/ live there) and hands it SIGINT/SIGTERM for a graceful shutdown.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.split("@")[1];
const cachedPnpm = join(root, ".cache", `pnpm-${pinned}`);
const pnpmBin = join(cachedPnpm, "node_modules", "pnpm", "bin", "pnpm.cjs");

// Run directly (`node scripts/start.mjs`), PATH may lack the cached pnpm that turbo looks up.
const env = {
  ...process.env,
  PATH: `${join(cachedPnpm, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
};
const pnpm = existsSync(pnpmBin) ? [process.execPath, pnpmBin] : ["pnpm"];

console.log("[kaizen] building the chat API and the packages it uses (turbo run build --filter=@kaizen/chat-api...)");
const build = spawnSync(
  pnpm[0],
  [...pnpm.slice(1), "exec", "turbo", "run", "build", "--filter=@kaizen/chat-api...", "--output-logs=errors-only"],
  { cwd: root, env, stdio: "inherit" },
);
if (build.error) throw build.error;
if (build.status !== 0) {
  console.error("[kaizen] the build failed (see above); not starting the chat API");
  process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, [join(root, "apps", "chat-api", "dist", "main.js")], {
  cwd: root,
  env: process.env,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  // Forward instead of dying: the server finishes the requests in flight, then exits.
  process.on(signal, () => server.kill(signal));
}
server.on("exit", (code, signal) => {
  process.exit(code ?? (signal ? 128 + (signal === "SIGINT" ? 2 : 15) : 1));
});
