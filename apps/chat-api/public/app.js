// The chat page: plain JS, no build step. Keeps the session id in localStorage so a reload
// shows the same conversation, and reads answers as server-sent events from POST /api/chat/stream.
const SESSION_KEY = "kaizen.chat.sessionId";

const $ = (id) => document.getElementById(id);
const turnsEl = $("turns");
const form = $("ask");
const input = $("question");
const sendButton = $("send");
const statusEl = $("status");

function sessionId() {
  let id = localStorage.getItem(SESSION_KEY);
  if (!id) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem(SESSION_KEY, id);
  }
  return id;
}

function formatConfidence(confidence) {
  return typeof confidence === "number" ? `confidence ${confidence.toFixed(2)}` : "";
}

/** Appends one question/answer pair and returns the setters for its answer. */
function addTurn(question) {
  $("empty").hidden = true;
  const li = document.createElement("li");
  li.className = "turn";
  li.dataset.testid = "turn";
  const q = document.createElement("div");
  q.className = "question";
  q.textContent = question;
  const a = document.createElement("div");
  a.className = "answer";
  a.dataset.testid = "answer";
  const c = document.createElement("div");
  c.className = "confidence";
  c.dataset.testid = "confidence";
  li.append(q, a, c);
  turnsEl.append(li);
  li.scrollIntoView({ block: "end" });
  return {
    update(response, confidence, state) {
      a.textContent = response;
      c.textContent = formatConfidence(confidence);
      li.dataset.state = state;
    },
  };
}

async function loadHistory() {
  const res = await fetch(`/api/chat/${encodeURIComponent(sessionId())}/history`);
  if (!res.ok) throw new Error((await res.json()).detail ?? res.statusText);
  const { turns } = await res.json();
  for (const turn of turns) addTurn(turn.question).update(turn.response, turn.confidence, "done");
}

/** Parses a text/event-stream body: calls onEvent(name, data) for each event. */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) onEvent(event, JSON.parse(data.join("\n")));
    }
  }
}

async function ask(question) {
  const turn = addTurn(question);
  turn.update("", null, "streaming");
  const res = await fetch("/api/chat/stream", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ message: question, sessionId: sessionId() }),
  });
  if (!res.ok || !res.body) {
    const detail = await res.json().then(
      (b) => b.detail,
      () => res.statusText,
    );
    turn.update(detail, null, "error");
    return;
  }
  let finished = false;
  await readEvents(res.body, (event, data) => {
    if (event === "partial") turn.update(data.response, data.confidence, "streaming");
    else if (event === "result") {
      finished = true;
      turn.update(data.response, data.confidence, "done");
    } else if (event === "error") {
      finished = true;
      turn.update(data.detail, null, "error");
    }
  });
  if (!finished) turn.update("The connection closed before the answer was complete.", null, "error");
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (!question) return;
  input.value = "";
  sendButton.disabled = true;
  statusEl.textContent = "thinking…";
  ask(question)
    .catch((err) => {
      statusEl.textContent = `Could not reach the server: ${err.message}`;
    })
    .finally(() => {
      sendButton.disabled = false;
      if (statusEl.textContent === "thinking…") statusEl.textContent = "";
      input.focus();
    });
});

$("new-session").addEventListener("click", () => {
  localStorage.removeItem(SESSION_KEY);
  turnsEl.replaceChildren();
  $("empty").hidden = false;
  $("session").textContent = sessionId();
});

$("session").textContent = sessionId();
fetch("/health")
  .then((r) => r.json())
  .then((h) => {
    $("model").textContent = h.llm === "fake" ? `fake LLM (${h.model}), not a real model` : `${h.llm} · ${h.model}`;
  })
  .catch(() => {
    $("model").textContent = "server unreachable";
  });
loadHistory()
  .catch((err) => {
    statusEl.textContent = `Could not load the history: ${err.message}`;
  })
  .finally(() => {
    document.body.dataset.ready = "true";
  });
