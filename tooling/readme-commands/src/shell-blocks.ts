// The shell blocks (```sh, ```bash, ```console) of every README tracked in the repository.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ShellBlock {
  /** The README's path from the repository root. */
  file: string;
  /** 1-based line of the block's first command. */
  line: number;
  code: string;
}

export function readmeFiles(root: string): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "README.md", "**/README.md"], {
    cwd: root,
    encoding: "utf8",
  });
  return [...new Set(out.split("\n").filter((f) => f !== "" && !f.includes("node_modules/")))].sort();
}

export function shellBlocks(root: string, file: string): ShellBlock[] {
  const text = readFileSync(join(root, file), "utf8");
  const blocks: ShellBlock[] = [];
  const fence = /^(`{3,})(sh|bash|shell|console)\n([\s\S]*?)\n\1$/gm;
  for (const match of text.matchAll(fence)) {
    const line = text.slice(0, match.index).split("\n").length + 1;
    blocks.push({ file, line, code: match[3]! });
  }
  return blocks;
}

/** The block's first line that is a command (not a comment), which names it in the plan. */
export function firstCommand(block: ShellBlock): string {
  return (
    block.code
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "" && !l.startsWith("#")) ?? ""
  );
}
