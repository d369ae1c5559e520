// Functions the sync bridge's callModule tests run on the worker thread. Plain JavaScript: the
// worker loads it with Node's own loader. It stands for a provider's module: `chatAsync` is the
// async path a provider already has, and chat() on the caller's side blocks on it.
import { RateLimitError } from "@kaizen/contracts";

export async function chatAsync(baseUrl, request, { signal }) {
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: request.model, messages: request.messages }),
    signal,
  });
  const data = await res.json();
  if (res.status === 429) {
    throw new RateLimitError(`mine: rate limited: ${data.error.message}`, {
      provider: "mine",
      retryAfterMs: 2000,
      requestId: "req_429",
    });
  }
  return { content: data.choices[0].message.content, model: data.model };
}

export async function wait(ms, { signal }) {
  await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
  return ms;
}
