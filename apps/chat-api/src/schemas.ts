import { z } from "zod";
import { MAX_SESSION_ID_LENGTH } from "@kaizen/memory";
import { historyToolCall, toolCall, toolsFlag } from "./tool-schemas.js";

/** Session ids follow @kaizen/memory's rule, checked here so a bad one is a 400 naming the field. */
export const sessionIdSchema = z
  .string()
  .min(1, `must be 1-${MAX_SESSION_ID_LENGTH} characters`)
  .max(MAX_SESSION_ID_LENGTH, `must be 1-${MAX_SESSION_ID_LENGTH} characters`)
  .regex(/^[A-Za-z0-9._:@-]+$/, "must use only the characters A-Z a-z 0-9 . _ : @ -")
  .describe("Conversation id: turns with the same id share memory.");

export interface Limits {
  /** The longest question, in characters. */
  maxMessageChars: number;
  /** The most questions one POST /batch may carry. */
  maxBatchQuestions: number;
  /** The largest image a question may carry, in bytes (decoded). */
  maxImageBytes: number;
}

/** The body limit of a route that takes an image: the image as a base64 data: URL, and the rest. */
export function imageBodyLimit(limits: Limits & { bodyLimitBytes: number }): number {
  return Math.max(limits.bodyLimitBytes, Math.ceil((limits.maxImageBytes * 4) / 3) + 64 * 1024);
}

export function buildSchemas(limits: Limits) {
  const message = z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(limits.maxMessageChars, `must be at most ${limits.maxMessageChars} characters`)
    .describe("The user's question.");

  // Checked in full (media type, the bytes, the size) by the signature's ImageField: a 400 naming it.
  const image = z
    .string()
    .min(1)
    .max(Math.ceil((limits.maxImageBytes * 4) / 3) + 1024, `must be an image of at most ${limits.maxImageBytes} bytes`)
    .optional()
    .describe(
      `An image the question is about: a data: URL (image/png, image/jpeg, image/gif or image/webp, at most ` +
        `${limits.maxImageBytes} bytes) or an https URL the model's vendor fetches. Kept in memory as a reference (a hash), not the bytes.`,
    );
  const chatRequest = z
    .strictObject({ message, sessionId: sessionIdSchema.optional(), tools: toolsFlag, image })
    .describe("A question; sessionId turns memory on, tools: true lets the model use the built-in tools.")
    .meta({ examples: [{ message: "What is 2+2?" }, { message: "What did I just ask?", sessionId: "demo-session-1" }] });
  const chatMessageOnly = z
    .strictObject({ message, tools: toolsFlag, image })
    .describe("A question for the session named in the path.")
    .meta({ examples: [{ message: "My name is Ada. What is 2+2?" }] });
  const chatResponse = z
    .object({
      response: z.string().describe("The answer."),
      confidence: z.number().min(0).max(1).nullable().describe("The model's confidence, 0.0-1.0."),
      sessionId: sessionIdSchema.optional(),
      toolCalls: z.array(toolCall).optional().describe("With tools: true, every tool call of the answer, in order."),
    })
    .describe("The answer and the model's confidence in it.");

  const batchRequest = z
    .strictObject({
      questions: z
        .array(message)
        .min(1, "must hold at least one question")
        .max(limits.maxBatchQuestions, `must hold at most ${limits.maxBatchQuestions} questions; split the batch`)
        .describe(`Up to ${limits.maxBatchQuestions} questions, answered concurrently.`),
    })
    .meta({ examples: [{ questions: ["What is 2+2?", "What is the capital of France?"] }] });
  const batchItem = z.union([
    z.object({ question: z.string(), status: z.literal("ok"), response: z.string(), confidence: z.number().nullable() }),
    z.object({ question: z.string(), status: z.literal("error"), statusCode: z.number().int(), detail: z.string() }),
  ]);
  const batchResponse = z.object({
    results: z.array(batchItem).describe("One entry per question, in the order asked."),
    succeeded: z.number().int(),
    failed: z.number().int(),
  });

  const historyResponse = z.object({
    sessionId: sessionIdSchema,
    turns: z.array(
      z.object({
        question: z.string(),
        response: z.string(),
        confidence: z.number().nullable(),
        createdAt: z.string().describe("ISO 8601 time of the answer."),
        toolCalls: z.array(historyToolCall).optional().describe('The tool calls of a turn asked with "tools": true.'),
      }),
    ),
  });

  const error = z.object({ detail: z.string() }).describe("What went wrong, FastAPI style.");
  const readiness = z.object({
    status: z.enum(["ok", "unavailable"]),
    checks: z.object({ memory: z.enum(["ok", "unavailable", "none"]) }).describe("Each dependency the app needs to serve."),
  });
  const health = z.object({
    status: z.literal("ok"),
    llm: z.string().describe("openai, anthropic or fake."),
    model: z.string(),
    memory: z.string(),
    uptimeSeconds: z.number(),
  });

  return {
    chatRequest,
    chatMessageOnly,
    chatResponse,
    batchRequest,
    batchResponse,
    historyResponse,
    error,
    health,
    readiness,
    sessionParams: z.object({ sessionId: sessionIdSchema.meta({ examples: ["demo-session-1"] }) }),
  };
}

export type Schemas = ReturnType<typeof buildSchemas>;
