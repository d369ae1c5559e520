// The bench's harness, exported for its smoke test. `pnpm bench` runs src/cli.ts.
export {};
