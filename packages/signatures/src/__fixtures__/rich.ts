import { z } from "zod";
import { InputField, OutputField, Signature } from "../index.js";

/** One field of every shape users write. */
export class TriageSignature extends Signature {
  static override description = "Triage the support ticket.";
  ticket = InputField({ description: "The ticket text" });
  customer = InputField({
    description: "Customer record",
    schema: z.object({ id: z.number().int(), plan: z.enum(["free", "pro"]), tags: z.array(z.string()) }),
  });
  maxSuggestions = InputField({ description: "How many suggestions", schema: z.number().int().min(1).max(5), default: 3 });
  locale = InputField({ description: "Reply language", schema: z.string().optional() });

  category = OutputField({ description: "Ticket category", schema: z.enum(["billing", "bug", "question"]) });
  priority = OutputField({ description: "Priority", schema: z.union([z.literal("low"), z.literal("high")]) });
  urgent = OutputField({ description: "Needs a human now", schema: z.boolean() });
  score = OutputField({ description: "Severity", schema: z.number().int().min(0).max(10) });
  suggestions = OutputField({
    description: "Suggested replies",
    schema: z
      .array(
        z.object({
          text: z.string().min(1).describe("Reply text"),
          tone: z.enum(["formal", "casual"]).meta({ description: "Tone of the reply" }),
        }),
      )
      .max(5),
  });
  assignee = OutputField({ description: "Team member, if known", schema: z.string().nullable() });
  notes = OutputField({ description: "Internal notes", schema: z.string().optional() });
  labels = OutputField({ description: "Label weights", schema: z.record(z.string(), z.number().min(0).max(1)) });
}
