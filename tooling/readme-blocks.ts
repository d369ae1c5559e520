// Package READMEs mark the blocks their tests check with `<!-- name -->` on the line before the
// fence (Prettier may put a blank line between, and uses a longer fence when the block itself
// holds one); every package's README test reads them the same way.

/** The fenced block that follows `<!-- name -->` in a README. */
export function readmeBlock(readme: string, name: string): string {
  const match = new RegExp(`<!-- ${name} -->\\n\\n?(\`{3,})[a-z]*\\n([\\s\\S]*?)\\n\\1\\n`).exec(readme);
  if (!match?.[2]) throw new Error(`README has no block marked <!-- ${name} -->`);
  return match[2];
}
