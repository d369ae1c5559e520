import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { Tool } from "@kaizen/contracts";
import { tool } from "./index.js";

describe("tool() types", () => {
  it("infers execute's input from the schema, and the tool's input and output types", () => {
    const weather = tool({
      name: "get_weather",
      input: z.object({ city: z.string(), days: z.number().optional() }),
      execute: (input, context) => {
        expectTypeOf(input).toEqualTypeOf<{ city: string; days?: number | undefined }>();
        expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(context.toolCallId).toEqualTypeOf<string>();
        return { tempC: 21 };
      },
      needsApproval: (input) => {
        expectTypeOf(input.city).toEqualTypeOf<string>();
        return false;
      },
    });
    expectTypeOf(weather).toMatchTypeOf<Tool<{ city: string; days?: number | undefined }, { tempC: number }>>();
  });

  it("takes an async execute, and its output type is the resolved value", () => {
    const slow = tool({ name: "slow", input: z.object({}), execute: async () => "done" });
    expectTypeOf(slow.execute).returns.toEqualTypeOf<string | Promise<string>>();
  });

  it("rejects an execute that reads a field the schema does not have", () => {
    tool({
      name: "bad",
      input: z.object({ city: z.string() }),
      // @ts-expect-error -- `country` is not in the input schema
      execute: ({ country }) => country,
    });
  });
});
