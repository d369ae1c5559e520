// Package READMEs mark the blocks their tests check with `<!-- name -->` on the line before the
// fence; every package's README test reads them the same way.

/** The fenced block that follows `<!-- name -->` in a README. */
export function readmeBlock(readme: string, name: string): string {
  const match = new RegExp(`<!-- ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  if (!match?.[1]) throw new Error(`README has no block marked <!-- ${name} -->`);
  return match[1];
}
