// Server-sent events for custom providers, on `eventsource-parser` (the maintained parser that
// handles CRLF, multi-line `data:`, comments and events split across chunks), so nobody
// hand-splits lines again. Linear: each byte is decoded and parsed once.
import { createParser, type EventSourceMessage } from "eventsource-parser";

export type { EventSourceMessage } from "eventsource-parser";

/**
 * Yields each event of an SSE body (`fetch`'s `response.body`, or any async iterable of bytes or
 * strings) as `{ event, data, id }`, in order. As the SSE standard says, an event not closed by
 * its blank line when the body ends is dropped: a cut stream never yields half an event.
 * Leaving the loop early cancels the body (and with it the HTTP request).
 */
export async function* readServerSentEvents(
  body: AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array>,
): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const decoder = new TextDecoder();
  const chunks = body as AsyncIterable<Uint8Array | string>;
  for await (const chunk of chunks) {
    parser.feed(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    // Drained in place: one array, reused, instead of an array per chunk.
    for (let i = 0; i < pending.length; i++) yield pending[i] as EventSourceMessage;
    pending.length = 0;
  }
  parser.feed(decoder.decode());
  yield* pending;
}
