// The bare floor (issue 20): what a call costs with nothing but Node under it. A keep-alive
// node:http POST of the raw SDK's exact request body, JSON.parse of the reply and of its content,
// and the same two-field check. No SDK, no retries, no typed errors: not something to ship, the
// line every contender's CPU per call is measured against.
import http from "node:http";
import { rawRequest } from "./raw-openai.js";
import { API_KEY, checkAnswer, type Answer } from "./workload.js";

export interface BareFloorClient {
  call(i: number): Promise<Answer>;
  close(): void;
}

export function createBareFloorClient(baseUrl: string): BareFloorClient {
  const agent = new http.Agent({ keepAlive: true });
  const url = new URL(`${baseUrl.replace(/\/$/, "")}/chat/completions`);
  const post = (body: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            authorization: `Bearer ${API_KEY}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
            else resolve(text);
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return {
    async call(i) {
      const reply = JSON.parse(await post(JSON.stringify(rawRequest(i)))) as {
        choices?: Array<{ message?: { content?: unknown } }>;
      };
      const content = reply.choices?.[0]?.message?.content;
      if (typeof content !== "string") throw new Error("the completion has no message content");
      return checkAnswer(JSON.parse(content));
    },
    close: () => agent.destroy(),
  };
}
