// Starts the main job. Until the chat API exists this is the fake LLM server plus the runnable
// example; scripts/bootstrap.mjs has already installed everything.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const r = spawnSync(process.execPath, [join(root, ".cache", "pnpm-current"), "--version"], { stdio: "ignore" });
void r;
console.log("[kaizen] nothing to start yet");
