// The root README's headline example, turned into the files a user would write: an ES module,
// a CommonJS script, and TypeScript sources for tsc. The example itself is taken verbatim; only
// the module syntax around it changes, so a README edit is what gets installed and run.

/** The first ```ts block of the README: the headline example. */
export function headlineExample(readme: string): string {
  const match = /```ts\n([\s\S]*?)\n```/.exec(readme);
  if (!match?.[1]) throw new Error("README.md has no ```ts block: the install test runs the first one");
  return match[1];
}

const NAMED_IMPORT = /^import \{([^}]+)\} from "([^"]+)";$/;

/** Splits the example into its import lines and the rest. */
function splitImports(example: string): { imports: Array<{ names: string; from: string }>; body: string } {
  const lines = example.split("\n");
  const imports: Array<{ names: string; from: string }> = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    if (!line.startsWith("import ")) break;
    const m = NAMED_IMPORT.exec(line);
    if (!m) throw new Error(`the install test turns only \`import { a, b } from "x";\` into require(); got: ${line}`);
    imports.push({ names: m[1]!.trim(), from: m[2]! });
  }
  return { imports, body: lines.slice(i).join("\n") };
}

const PRINT = "console.log(JSON.stringify({ answer: result.answer, confidence: result.confidence }));";

// If `result` were `any`, the @ts-expect-error would be unused and tsc would fail.
const TYPE_CHECKS = `const typed: { answer: string; confidence: number } = result;
// @ts-expect-error confidence is typed from the signature as a number
const wrong: string = result.confidence;
void typed;
void wrong;`;

/** The example as an ES module that prints the result as JSON. */
export function asEsm(example: string): string {
  return `${example}\n${PRINT}\n`;
}

/** The example as a CommonJS script: require() for the imports, the rest in an async function. */
export function asCommonJs(example: string): string {
  const { imports, body } = splitImports(example);
  const requires = imports.map(({ names, from }) => `const { ${names} } = require(${JSON.stringify(from)});`);
  return `"use strict";\n${requires.join("\n")}\n\n(async () => {\n${body}\n${PRINT}\n})().catch((err) => {\n  console.error(err);\n  process.exitCode = 1;\n});\n`;
}

/** The example as a TypeScript ES module (top-level await), with checks on the result's type. */
export function asTypeScriptModule(example: string): string {
  return `${example}\n${TYPE_CHECKS}\nexport {};\n`;
}

/** The example as a TypeScript CommonJS module (.cts): imports stay, the rest moves into a function. */
export function asTypeScriptCommonJs(example: string): string {
  const { imports, body } = splitImports(example);
  const lines = imports.map(({ names, from }) => `import { ${names} } from ${JSON.stringify(from)};`);
  return `${lines.join("\n")}\n\nexport async function main(): Promise<void> {\n${body}\n${TYPE_CHECKS}\n}\n`;
}
