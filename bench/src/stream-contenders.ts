// The streaming contenders (issue 20): one streamed structured call each, the partial objects read
// as they arrive, the final answer checked. Each reports when its first partial object with the
// `answer` field appeared, so the scenario can time it from the response's first byte.
//   stream-async: agent.streamAsync(), iterating its partial outputs (Kaizen's stream API)
//   stream-raw:   the raw SDK with `stream: true`; after every content delta the text so far goes
//                 through the SDK's own partial JSON parser (what its stream helper runs when it
//                 parses), then JSON.parse and the two-field check at the end
//   stream-floor: keep-alive node:http POST of the same body, SSE split and JSON.parse by hand, an
//                 incremental flat-object scanner for the partials (flat-partial.ts)
import http from "node:http";
import { performance } from "node:perf_hooks";
import type OpenAI from "openai";
import { partialParse } from "openai/_vendor/partial-json-parser/parser";
import { FlatPartialObject } from "./flat-partial.js";
import { createRawClient, rawRequest } from "./raw-openai.js";
import { API_KEY, checkAnswer, question } from "./workload.js";

export type StreamMode = "stream-async" | "stream-raw" | "stream-floor";

export interface StreamContender {
  /** Resolves with the time (performance.now()) of the first partial object carrying `answer`. */
  call(i: number): Promise<number>;
  close(): Promise<void> | void;
}

/** The raw SDK's and the floor's streamed body: the raw request, streamed with usage (as Kaizen asks). */
function streamRequest(i: number): OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming {
  return { ...rawRequest(i), stream: true, stream_options: { include_usage: true } };
}

const hasAnswer = (p: unknown): boolean =>
  typeof p === "object" && p !== null && typeof (p as { answer?: unknown }).answer === "string";

export async function createStreamContender(mode: StreamMode, baseUrl: string): Promise<StreamContender> {
  switch (mode) {
    case "stream-async": {
      const { createAgent } = await import("./agent.js");
      const agent = createAgent(baseUrl, true);
      return {
        async call(i) {
          const stream = agent.streamAsync({ question: question(i) });
          let first = Number.NaN;
          for await (const partial of stream) {
            if (Number.isNaN(first) && hasAnswer(partial)) first = performance.now();
          }
          checkAnswer(await stream.result);
          return first;
        },
        close: () => agent.close(),
      };
    }
    case "stream-raw": {
      const client = createRawClient(baseUrl);
      return {
        async call(i) {
          const stream = await client.chat.completions.create(streamRequest(i));
          let content = "";
          let first = Number.NaN;
          for await (const chunk of stream) {
            const delta = chunk.choices[0]?.delta?.content;
            if (!delta) continue;
            content += delta;
            const partial: unknown = partialParse(content);
            if (Number.isNaN(first) && hasAnswer(partial)) first = performance.now();
          }
          checkAnswer(JSON.parse(content));
          return first;
        },
        close: () => undefined,
      };
    }
    case "stream-floor":
      return createFloorStream(baseUrl);
  }
}

interface Chunk {
  choices?: Array<{ delta?: { content?: string | null } }>;
}

function createFloorStream(baseUrl: string): StreamContender {
  const agent = new http.Agent({ keepAlive: true });
  const url = new URL(`${baseUrl.replace(/\/$/, "")}/chat/completions`);
  return {
    call: (i) =>
      new Promise((resolve, reject) => {
        const body = JSON.stringify(streamRequest(i));
        const req = http.request(
          url,
          {
            method: "POST",
            agent,
            headers: {
              "content-type": "application/json",
              "content-length": Buffer.byteLength(body),
              authorization: `Bearer ${API_KEY}`,
              accept: "text/event-stream",
            },
          },
          (res) => {
            if (res.statusCode !== 200) {
              res.resume();
              reject(new Error(`HTTP ${res.statusCode}`));
              return;
            }
            res.setEncoding("utf8");
            const partial = new FlatPartialObject();
            let buffer = "";
            let content = "";
            let first = Number.NaN;
            res.on("data", (text: string) => {
              buffer += text;
              let end: number;
              while ((end = buffer.indexOf("\n\n")) >= 0) {
                const event = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                if (!event.startsWith("data: ")) continue;
                const data = event.slice(6);
                if (data === "[DONE]") continue;
                const delta = (JSON.parse(data) as Chunk).choices?.[0]?.delta?.content;
                if (!delta) continue;
                content += delta;
                if (partial.push(delta) && Number.isNaN(first) && hasAnswer(partial.value)) first = performance.now();
              }
            });
            res.on("error", reject);
            res.on("end", () => {
              try {
                checkAnswer(JSON.parse(content));
                resolve(first);
              } catch (err) {
                reject(err as Error);
              }
            });
          },
        );
        req.on("error", reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
