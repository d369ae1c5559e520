export type { JsonObject, LoadOptions, Memory, MemoryContext, NewTurn, RetentionOptions, Turn } from "./types.js";
export const PACKAGE_NAME = "@kaizen/memory";
