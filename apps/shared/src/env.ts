import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";

export type Env = Record<string, string | undefined>;

/**
 * Loads `.env` from `dir` into `env` (process.env by default), the way python-dotenv's
 * `load_dotenv()` does in the seed: variables already set in the environment win, so a
 * deployment can override the file. Returns the path loaded, or undefined when there is none.
 */
export function loadDotEnv(dir: string = process.cwd(), env: Env = process.env): string | undefined {
  const path = resolve(dir, ".env");
  if (!existsSync(path)) return undefined;
  const parsed = parseEnv(readFileSync(path, "utf8"));
  for (const [key, value] of Object.entries(parsed)) {
    if (env[key] === undefined && value !== undefined) env[key] = value;
  }
  return path;
}

/** An env value with surrounding blanks removed; empty counts as unset (`OPENAI_API_KEY=` in a .env). */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** The secrets present in the environment, so that error messages and logs can blank them. */
export function secretsFromEnv(env: Env): string[] {
  return ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "DATABASE_URL", "REDIS_URL"]
    .map((name) => envValue(env, name))
    .filter((value): value is string => value !== undefined);
}

/**
 * The directory the user ran the command from. `pnpm --filter <app> start` runs the script in
 * the app's folder, but a path typed on the command line (or a .env next to the user) is
 * relative to where they typed it, which the package manager passes as INIT_CWD.
 */
export function userCwd(env: Env = process.env): string {
  return env["npm_lifecycle_event"] && env["INIT_CWD"] ? env["INIT_CWD"] : process.cwd();
}
