// A new user's first five minutes, outside the monorepo: every package packed with `pnpm pack`,
// the tarballs installed with npm into a blank project (no workspace, no pnpm), then the root
// README's example run from an ES module and from a CommonJS script against the fake LLM server
// (started with `npx kaizen-fake-llm`), and tsc in strict mode with skipLibCheck off.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommandResult, packAll, runCommand } from "./commands.js";
import { asCommonJs, asEsm, asTypeScriptCommonJs, asTypeScriptModule, headlineExample } from "./readme-example.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const packagesDir = join(repoRoot, "packages");
const example = headlineExample(readFileSync(join(repoRoot, "README.md"), "utf8"));

// What the README example needs, plus the fake server; queue and mcp come later (they bring
// Redis/BullMQ and the MCP SDK, which a core install must not).
const CORE_INSTALL = [
  "@kaizen/contracts",
  "@kaizen/signatures",
  "@kaizen/providers",
  "@kaizen/memory",
  "@kaizen/core",
  "@kaizen/testing",
];
const FAKE_KEY = "sk-install-test-not-a-real-key";

let tmp: string;
let project: string;
let tarballs: Map<string, string>;
let install: CommandResult;
let fakeServer: ChildProcess | undefined;
let fakeOut = "";
let fakeUrl: string | undefined;

function show(r: CommandResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

function tarballFiles(file: string): Promise<CommandResult> {
  return runCommand("tar", ["-tzf", file], { cwd: tmp });
}

async function startFakeServer(): Promise<string> {
  // The bin as a user starts it: npx finds it in the project's node_modules/.bin.
  // Its own process group, as in a terminal: npx runs the bin as its child, and the group signal
  // reaches both.
  const child = spawn("npx", ["kaizen-fake-llm", "--port", "0"], {
    cwd: project,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  fakeServer = child;
  child.stdout.on("data", (chunk: Buffer) => (fakeOut += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (fakeOut += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const url = /listening on (http:\/\/\S+)/.exec(fakeOut)?.[1];
    if (url) return url;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`npx kaizen-fake-llm --port 0 printed no URL:\n${fakeOut}`);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "kaizen-install-"));
  const packs = join(tmp, "tarballs");
  mkdirSync(packs);
  tarballs = await packAll(packagesDir, packs);

  project = join(tmp, "app");
  mkdirSync(project);
  const dependencies: Record<string, string> = { openai: "^6.49.0", zod: "^4.1.5" };
  for (const name of CORE_INSTALL) {
    const file = tarballs.get(name);
    if (!file) throw new Error(`no tarball for ${name} in ${[...tarballs.keys()].join(", ")}`);
    dependencies[name] = `file:${file}`;
  }
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify(
      {
        name: "kaizen-install-check",
        version: "1.0.0",
        private: true,
        dependencies,
        devDependencies: { typescript: "5.9.3", "@types/node": "^20.19.0" },
      },
      null,
      2,
    ),
  );
  // --prefer-offline: the npm cache answers reruns; the first run fetches zod, openai, typescript.
  install = await runCommand("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
    cwd: project,
  });
  if (install.code !== 0) throw new Error(`npm install failed:\n${show(install)}`);

  writeFileSync(join(project, "example.mjs"), asEsm(example));
  writeFileSync(join(project, "example.cjs"), asCommonJs(example));
  mkdirSync(join(project, "types"));
  writeFileSync(join(project, "types", "example.mts"), asTypeScriptModule(example));
  writeFileSync(join(project, "types", "example.cts"), asTypeScriptCommonJs(example));
  writeFileSync(join(project, "types", "bundler.ts"), asTypeScriptModule(example));
  const strict = { strict: true, skipLibCheck: false, noEmit: true, target: "ES2022", lib: ["ES2023"], types: ["node"] };
  writeFileSync(
    join(project, "tsconfig.nodenext.json"),
    JSON.stringify({
      compilerOptions: { ...strict, module: "nodenext", moduleResolution: "nodenext" },
      files: ["types/example.mts", "types/example.cts"],
    }),
  );
  writeFileSync(
    join(project, "tsconfig.bundler.json"),
    JSON.stringify({
      compilerOptions: { ...strict, module: "preserve", moduleResolution: "bundler" },
      files: ["types/bundler.ts"],
    }),
  );
  fakeUrl = await startFakeServer();
});

function running(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

afterAll(async () => {
  if (running(fakeServer)) {
    const exited = new Promise((r) => fakeServer!.once("exit", r));
    process.kill(-fakeServer.pid!, "SIGKILL");
    await exited;
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("the packed tarballs", () => {
  it("exist for every package and hold dist, README and LICENSE only (and testing its cassettes)", async () => {
    expect([...tarballs.keys()].sort()).toEqual(
      readdirSync(packagesDir)
        .map((d) => `@kaizen/${d}`)
        .sort(),
    );
    for (const [name, file] of tarballs) {
      const listing = await tarballFiles(file);
      expect(listing.code, show(listing)).toBe(0);
      const files = listing.stdout.trim().split("\n");
      expect(files, name).toEqual(expect.arrayContaining(["package/LICENSE", "package/README.md", "package/package.json"]));
      expect(files, name).toContain("package/dist/index.js");
      // @kaizen/testing also ships its recorded cassettes (JSON, and SOURCES.md on where each came from).
      const shipped =
        name === "@kaizen/testing"
          ? /^package\/(dist\/|cassettes\/[\w.-]+\.(json|md)$|LICENSE$|README\.md$|package\.json$)/
          : /^package\/(dist\/|LICENSE$|README\.md$|package\.json$)/;
      const outside = files.filter((f) => !shipped.test(f));
      expect(outside, name).toEqual([]);
      if (name === "@kaizen/testing") expect(files, name).toContain("package/cassettes/SOURCES.md");
      expect(
        files.filter((f) => f.endsWith(".d.ts.map") || /\.test(-d)?\.[jt]s$/.test(f)),
        name,
      ).toEqual([]);
    }
  });

  it("pass `pnpm publish --dry-run`, every one", async () => {
    for (const dir of readdirSync(packagesDir)) {
      const r = await runCommand("pnpm", ["publish", "--dry-run", "--no-git-checks"], { cwd: join(packagesDir, dir) });
      expect(r.code, `${dir}: ${show(r)}`).toBe(0);
      expect(`${r.stdout}${r.stderr}`, dir).toContain(`@kaizen/${dir}@`);
    }
  });

  it("carry publish metadata and no workspace: ranges", () => {
    for (const name of CORE_INSTALL) {
      const pkg = JSON.parse(readFileSync(join(project, "node_modules", name, "package.json"), "utf8")) as Record<
        string,
        unknown
      >;
      expect(pkg, name).toMatchObject({
        license: "MIT",
        sideEffects: false,
        publishConfig: { access: "public" },
        repository: { type: "git", directory: `packages/${name.slice("@kaizen/".length)}` },
      });
      expect(typeof pkg["homepage"], name).toBe("string");
      expect((pkg["keywords"] as string[]).length, name).toBeGreaterThan(2);
      expect(JSON.stringify(pkg), name).not.toContain("workspace:");
      expect(readFileSync(join(project, "node_modules", name, "LICENSE"), "utf8")).toContain("Kaizen contributors");
    }
  });

  it("ship source maps that resolve without src/: the sources are inline", () => {
    const dist = join(project, "node_modules", "@kaizen", "core", "dist");
    expect(existsSync(join(project, "node_modules", "@kaizen", "core", "src"))).toBe(false);
    const map = JSON.parse(readFileSync(join(dist, "agent.js.map"), "utf8")) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sources).toEqual(["../src/agent.ts"]);
    expect(map.sourcesContent?.[0]).toContain("export class BaseAgent");
  });
});

describe("npm install of core + providers + memory (buffer) + testing, with openai and zod", () => {
  it("runs no install script: nothing is compiled, better-sqlite3 is not installed", () => {
    const lock = JSON.parse(readFileSync(join(project, "node_modules", ".package-lock.json"), "utf8")) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([path]) => path);
    expect(withScripts).toEqual([]);
    // Optional peers, all absent: so the README example below also shows a run without
    // @opentelemetry/api (no tracing, nothing loaded for it).
    for (const driver of ["better-sqlite3", "pg", "ioredis", "@anthropic-ai/sdk", "@opentelemetry/api", "vitest"]) {
      expect(existsSync(join(project, "node_modules", driver)), driver).toBe(false);
    }
    const count = Object.keys(lock.packages).filter((p) => p.startsWith("node_modules/")).length;
    console.log(
      `[install-test] npm install: ${count} packages (typescript and @types/node included) in ${(install.ms / 1000).toFixed(1)} s`,
    );
    expect(count).toBeGreaterThan(CORE_INSTALL.length);
  });

  it("starts the fake server with `npx kaizen-fake-llm --port 0`, which prints its URL", () => {
    expect(fakeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fakeOut).toContain(`${fakeUrl}/v1`);
  });

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: `${fakeUrl}/v1` });

  it("runs the README example from an ES module (import)", async () => {
    const r = await runCommand(process.execPath, ["example.mjs"], { cwd: project, env: env(), timeoutMs: 60_000 });
    expect(r.code, show(r)).toBe(0);
    const result = JSON.parse(r.stdout.trim()) as { answer: string; confidence: number };
    expect(result.answer).toContain("4");
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(r.stderr).not.toContain(FAKE_KEY);
  });

  it("runs the README example from CommonJS (require)", async () => {
    const r = await runCommand(process.execPath, ["example.cjs"], { cwd: project, env: env(), timeoutMs: 60_000 });
    expect(r.code, show(r)).toBe(0);
    const result = JSON.parse(r.stdout.trim()) as { answer: string; confidence: number };
    expect(result.answer).toContain("4");
    expect(typeof result.confidence).toBe("number");
  });

  it("fails the example with a typed error naming the variable when there is no key", async () => {
    const { OPENAI_API_KEY: _drop, ...rest } = env();
    const r = await runCommand(process.execPath, ["example.mjs"], { cwd: project, env: rest, timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("OPENAI_API_KEY");
  });

  it("asks for @anthropic-ai/sdk, by name and install command, only when an AnthropicProvider is made", async () => {
    writeFileSync(
      join(project, "anthropic.mjs"),
      `import { AnthropicProvider, OpenAIProvider } from "@kaizen/providers";
new OpenAIProvider({ apiKey: "sk-x", defaultModel: "gpt-4o-mini" });
try { new AnthropicProvider({ apiKey: "sk-ant-x" }); console.log("{}"); }
catch (err) { console.log(JSON.stringify({ code: err.code, packageName: err.packageName, message: err.message })); }
`,
    );
    const r = await runCommand(process.execPath, ["anthropic.mjs"], { cwd: project, timeoutMs: 30_000 });
    expect(r.code, show(r)).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { code: string; packageName: string; message: string };
    expect(out).toMatchObject({ code: "missing_sdk", packageName: "@anthropic-ai/sdk" });
    expect(out.message).toContain("npm install @anthropic-ai/sdk@");
  });

  it("type-checks under module nodenext (an .mts and a .cts), strict, skipLibCheck false", async () => {
    const r = await runCommand(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.nodenext.json"], {
      cwd: project,
    });
    expect(r.code, show(r)).toBe(0);
  });

  it("type-checks under moduleResolution bundler, strict, skipLibCheck false", async () => {
    const r = await runCommand(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.bundler.json"], {
      cwd: project,
    });
    expect(r.code, show(r)).toBe(0);
  });

  it("catches a wrong type in the example: tsc is really checking", async () => {
    writeFileSync(join(project, "types", "wrong.ts"), `${example}\nconst n: number = result.answer;\nexport {};\n`);
    writeFileSync(
      join(project, "tsconfig.wrong.json"),
      JSON.stringify({ extends: "./tsconfig.bundler.json", files: ["types/wrong.ts"] }),
    );
    const r = await runCommand(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.wrong.json"], {
      cwd: project,
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain("Type 'string' is not assignable to type 'number'");
  });
});

describe("every package's entry points, with queue and mcp installed too", () => {
  let added: CommandResult;
  beforeAll(async () => {
    const extra = ["@kaizen/queue", "@kaizen/mcp"].map((name) => tarballs.get(name)!);
    added = await runCommand("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...extra], {
      cwd: project,
    });
  });

  it("load with import and with require, to the same exports", async () => {
    expect(added.code, show(added)).toBe(0);
    const specifiers: string[] = [];
    for (const name of tarballs.keys()) {
      const pkg = JSON.parse(readFileSync(join(project, "node_modules", name, "package.json"), "utf8")) as {
        exports: Record<string, unknown>;
      };
      for (const subpath of Object.keys(pkg.exports)) {
        if (subpath !== "./package.json") specifiers.push(subpath === "." ? name : `${name}${subpath.slice(1)}`);
      }
    }
    writeFileSync(
      join(project, "entries.mjs"),
      `import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const out = {};
for (const spec of ${JSON.stringify(specifiers)}) {
  const r = {};
  try { r.import = Object.keys(await import(spec)).sort(); } catch (e) { r.importError = String(e.message).split("\\n")[0]; }
  try { r.require = Object.keys(require(spec)).filter((k) => k !== "__esModule" && k !== "module.exports").sort(); } catch (e) { r.requireError = String(e.message).split("\\n")[0]; }
  out[spec] = r;
}
console.log(JSON.stringify(out));
`,
    );
    const r = await runCommand(process.execPath, ["entries.mjs"], { cwd: project, timeoutMs: 60_000 });
    expect(r.code, show(r)).toBe(0);
    const results = JSON.parse(r.stdout) as Record<
      string,
      { import?: string[]; require?: string[]; importError?: string; requireError?: string }
    >;
    expect(Object.keys(results)).toContain("@kaizen/testing/conformance");
    for (const [spec, result] of Object.entries(results)) {
      if (spec === "@kaizen/testing/conformance") {
        // The conformance suites register vitest tests; vitest is an optional peer, not installed here.
        expect(result.importError).toContain("vitest");
        continue;
      }
      expect(result.importError, spec).toBeUndefined();
      expect(result.requireError, spec).toBeUndefined();
      expect(result.import!.length, spec).toBeGreaterThan(0);
      expect(result.require, spec).toEqual(result.import);
    }
  });
});

describe("the fake server command", () => {
  it("stops on SIGTERM to its process group (npx and the server), saying so", async () => {
    expect(running(fakeServer)).toBe(true);
    const child = fakeServer!;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid!, "SIGTERM");
    await exited;
    const deadline = Date.now() + 10_000;
    while (!fakeOut.includes("SIGTERM, shutting down") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(fakeOut).toContain("kaizen-fake-llm: SIGTERM, shutting down");
  });

  it("runs as the bin npm linked (node_modules/.bin/kaizen-fake-llm) and exits 0 on SIGTERM", async () => {
    const child = spawn(join(project, "node_modules", ".bin", "kaizen-fake-llm"), ["--port", "0"], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    try {
      const deadline = Date.now() + 15_000;
      while (!/listening on http:\/\/127\.0\.0\.1:\d+/.test(out) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const models = await fetch(`${url}/v1/models`);
      expect(models.status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
