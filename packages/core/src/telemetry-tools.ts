// One `execute_tool <name>` span per tool call, a child of the run's span. The tool's own work
// runs inside the span's context, so what it instruments (an HTTP call, a query) nests under it.
import type { Context, Tracer } from "@opentelemetry/api";
import { isKaizenError } from "@kaizen/contracts";
import type { ToolCall } from "@kaizen/contracts";
import * as A from "./genai-attributes.js";
import type { ToolCallRecord } from "./tool-types.js";
import type { OtelApi } from "./otel-api.js";

/** What the tool runner needs from tracing: a handle per call. */
export interface ToolTracer {
  start(call: ToolCall): ToolSpan;
}

export interface ToolSpan {
  /** Runs `fn` (the tool's execute) with this span as the active one. */
  run<T>(fn: () => T): T;
  end(record: ToolCallRecord): void;
  fail(error: unknown): void;
}

export function toolTracer(api: OtelApi, tracer: Tracer, parent: Context): ToolTracer {
  const { SpanKind, SpanStatusCode, context, trace } = api;
  return {
    start(call) {
      const span = tracer.startSpan(
        `${A.GEN_AI_OPERATION_EXECUTE_TOOL} ${call.name}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            [A.ATTR_GEN_AI_OPERATION_NAME]: A.GEN_AI_OPERATION_EXECUTE_TOOL,
            [A.ATTR_GEN_AI_TOOL_NAME]: call.name,
            [A.ATTR_GEN_AI_TOOL_CALL_ID]: call.id,
            [A.ATTR_GEN_AI_TOOL_TYPE]: "function",
          },
        },
        parent,
      );
      const active = trace.setSpan(parent, span);
      return {
        run: (fn) => context.with(active, fn),
        end(record) {
          span.setAttribute(A.ATTR_KAIZEN_TOOL_STATUS, record.status);
          if (record.status !== "ok") {
            // The model got the failure as the call's result: the span says what it was.
            span.setAttribute(A.ATTR_ERROR_TYPE, record.status);
            span.setStatus({ code: SpanStatusCode.ERROR, message: record.error ?? record.status });
          }
          span.end();
        },
        fail(error) {
          span.setAttribute(A.ATTR_ERROR_TYPE, isKaizenError(error) ? error.code : "_OTHER");
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
          span.end();
        },
      };
    },
  };
}
