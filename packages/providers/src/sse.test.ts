import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readServerSentEvents } from "./sse.js";

async function collect(chunks: Array<string | Uint8Array>) {
  async function* body() {
    for (const chunk of chunks) yield chunk;
  }
  const out: Array<{ event: string | undefined; data: string; id: string | undefined }> = [];
  for await (const e of readServerSentEvents(body())) out.push({ event: e.event, data: e.data, id: e.id });
  return out;
}

const STREAM = 'data: {"a":1}\n\n: a comment\r\nevent: delta\r\nid: 7\r\ndata: line one\r\ndata: line two\r\n\r\ndata: [DONE]';

describe("readServerSentEvents", () => {
  it("reads data, event, id, CRLF, multi-line data and comments, and drops a last event its blank line never closed", async () => {
    expect(await collect([STREAM])).toEqual([
      { event: undefined, data: '{"a":1}', id: undefined },
      { event: "delta", data: "line one\nline two", id: "7" },
    ]);
    expect(await collect([STREAM, "\n\n"])).toHaveLength(3);
  });

  it("gives the same events however the bytes are split, multi-byte characters included", async () => {
    const text = `${STREAM.replace("line one", "ligne é — 日本")}`;
    const bytes = new TextEncoder().encode(text);
    const whole = await collect([text]);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const pieces = points.slice(1).map((end, i) => bytes.slice(points[i], end));
        expect(await collect(pieces)).toEqual(whole);
      }),
    );
  });

  it("reads a fetch body (a web ReadableStream) and cancels it when the loop is left", async () => {
    let cancelled = false;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode("data: tick\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    let seen = 0;
    for await (const event of readServerSentEvents(body)) {
      expect(event.data).toBe("tick");
      if (++seen === 3) break;
    }
    expect(seen).toBe(3);
    expect(cancelled).toBe(true);
  });
});
