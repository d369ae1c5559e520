import type { Signature } from "./signature.js";

/** Name and description of signatures made by `signature()`, which have no class of their own to carry them. */
export const functionalMeta = new WeakMap<Signature, { name: string | undefined; description: string }>();
