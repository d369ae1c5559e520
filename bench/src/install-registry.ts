// A throwaway npm registry on 127.0.0.1 for the install footprint bench: Verdaccio, installed into
// the run's temp dir (not a workspace dependency: it is 300+ packages every `pnpm install` of the
// repo would pay for one optional bench), holding Kaizen's packed packages and proxying the npm
// registry for everything else. Both contenders then install from the same local server, so
// neither side gets a shortcut the other lacks (local `file:` tarballs, or a registry round trip).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { type Run, must } from "./install-run.js";

// The last Verdaccio whose engines accept Node 20 (6.9 and later need Node 22).
export const VERDACCIO_VERSION = "6.8.0";

export interface LocalRegistry {
  /** http://127.0.0.1:<port>/ */
  url: string;
  /** npm publish of an unpacked package directory. */
  publish(packageDir: string): Promise<Run>;
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  /** A fresh directory the registry may fill (Verdaccio's install, config, storage, logs). */
  dir: string;
  /** Where the proxy fetches what is not published locally (the user's npm registry). */
  uplink: string;
  /** Scopes published locally and never proxied (so the bench cannot pick up someone else's). */
  localScopes: string[];
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Verdaccio's config: local scopes publishable by anyone, the rest proxied and cached. */
export function verdaccioConfig(options: { storage: string; uplink: string; localScopes: string[] }): string {
  const quote = (s: string): string => JSON.stringify(s);
  const lines = [
    `storage: ${quote(options.storage)}`,
    "uplinks:",
    "  npmjs:",
    `    url: ${quote(options.uplink)}`,
    // Metadata fetched once stays fresh for the run: after the untimed priming installs the timed
    // ones never leave 127.0.0.1.
    "    maxage: 2h",
    "    timeout: 60s",
    "packages:",
    ...options.localScopes.flatMap((scope) => [`  ${quote(`${scope}/*`)}:`, "    access: $all", "    publish: $anonymous"]),
    `  "**":`,
    "    access: $all",
    "    proxy: npmjs",
    "web:",
    "  enable: false",
    "max_body_size: 100mb",
    "log: { type: stdout, format: json, level: warn }",
  ];
  return `${lines.join("\n")}\n`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Verdaccio exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}-/ping`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Verdaccio did not answer ${url}-/ping within 60 s:\n${output()}`);
}

export async function startLocalRegistry(options: LocalRegistryOptions): Promise<LocalRegistry> {
  const install = join(options.dir, "verdaccio");
  mkdirSync(install, { recursive: true });
  writeFileSync(join(install, "package.json"), JSON.stringify({ name: "bench-registry", private: true }));
  // The user's own npm cache and registry: a second run installs Verdaccio without the network.
  await must(
    "npm",
    [
      "install",
      `verdaccio@${VERDACCIO_VERSION}`,
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--no-package-lock",
      "--loglevel=error",
      "--registry",
      options.uplink,
    ],
    install,
    { env: options.env, signal: options.signal },
  );
  const storage = join(options.dir, "storage");
  mkdirSync(storage, { recursive: true });
  const config = join(options.dir, "config.yaml");
  writeFileSync(config, verdaccioConfig({ storage, uplink: options.uplink, localScopes: options.localScopes }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const bin = join(install, "node_modules", "verdaccio", "bin", "verdaccio");
  const child = spawn(process.execPath, [bin, "--config", config, "--listen", `127.0.0.1:${port}`], {
    cwd: options.dir,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // If the bench dies without reaching stop() (an uncaught error), the registry goes with it.
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitForPing(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  // npm refuses to publish without a token for the registry; Verdaccio lets the anonymous publish
  // of the local scopes through whatever the token says.
  const publishConfig = join(options.dir, "publish.npmrc");
  writeFileSync(publishConfig, `//127.0.0.1:${port}/:_authToken=bench-not-a-secret\n`);
  return {
    url,
    publish: (packageDir) =>
      must(
        "npm",
        [
          "publish",
          packageDir,
          "--registry",
          url,
          "--userconfig",
          publishConfig,
          "--ignore-scripts",
          "--access",
          "public",
          // A prerelease needs a tag; `latest` is what a user's `npm install <name>` resolves.
          "--tag",
          "latest",
          "--loglevel=error",
        ],
        options.dir,
        { env: options.env, signal: options.signal },
      ),
    stop,
  };
}
