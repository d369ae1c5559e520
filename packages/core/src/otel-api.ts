// @opentelemetry/api is an optional peer dependency, as OpenTelemetry advises for libraries: an
// app that traces has it already (its SDK needs it) and Kaizen uses that one copy and its global
// providers; an app that does not trace installs nothing and loads nothing for it. Loaded on the
// first run rather than at import (44 CommonJS modules, 25-45 ms of a cold `import()` on the
// bench machine), with a synchronous require because run() cannot await (its build is CommonJS).
import { createRequire } from "node:module";
import type * as OpenTelemetryApi from "@opentelemetry/api";

export type OtelApi = typeof OpenTelemetryApi;

const require = createRequire(import.meta.url);
let loaded: OtelApi | null | undefined;

/** The app's @opentelemetry/api, or undefined when it is not installed (then nothing is traced). */
export function otelApi(): OtelApi | undefined {
  if (loaded === undefined) {
    try {
      loaded = require("@opentelemetry/api") as OtelApi;
    } catch (error) {
      // Only "not installed" means no telemetry; a copy that fails to load keeps its own error.
      if (!isNotFound(error)) throw error;
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "MODULE_NOT_FOUND" && String((error as Error).message).includes("@opentelemetry/api");
}
