export { default } from "../vitest.apps.ts";
