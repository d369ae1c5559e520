// The chat page: plain modules, no build step, nothing from a CDN. Conversations are listed in
// localStorage (id, title, time) and their turns come back from the server's history; answers
// stream as server-sent events from POST /api/chat/stream and render as (escaped) markdown.
import { renderMarkdown } from "./markdown.js";
import { createToolSteps } from "./tools.js";
import { createAttachment } from "./attach.js";

const SESSION_KEY = "kaizen.chat.sessionId";
const SESSIONS_KEY = "kaizen.chat.sessions";
const TOOLS_KEY = "kaizen.chat.tools";
const HEALTH_POLL_MS = 3000;

const $ = (id) => document.getElementById(id);
const turnsEl = $("turns");
const form = $("ask");
const input = $("question");
const sendButton = $("send");
const stopButton = $("stop");
const statusEl = $("status");
const toolsToggle = $("tools");
const attachment = createAttachment({
  input: $("image"),
  chip: $("attachment"),
  preview: $("attachment-preview"),
  remove: $("attachment-remove"),
  onError: (message) => (statusEl.textContent = message),
});

/** The stream in flight, if any: aborting it is what Stop and Esc do. */
let inFlight = null;

// Sessions ------------------------------------------------------------------------------------

function readSessions() {
  try {
    const list = JSON.parse(localStorage.getItem(SESSIONS_KEY) ?? "[]");
    return Array.isArray(list) ? list.filter((s) => typeof s?.id === "string") : [];
  } catch {
    return [];
  }
}
function writeSessions(list) {
  localStorage.setItem(SESSIONS_KEY, JSON.stringify(list.slice(0, 50)));
}
function newSessionId() {
  return `web-${crypto.randomUUID()}`;
}
function currentSessionId() {
  let id = localStorage.getItem(SESSION_KEY);
  if (!id) {
    id = newSessionId();
    localStorage.setItem(SESSION_KEY, id);
  }
  return id;
}
/** Records that the current session has a turn, titled by its first question. */
function touchSession(question) {
  const id = currentSessionId();
  const list = readSessions();
  const existing = list.find((s) => s.id === id);
  const entry = { id, title: existing?.title ?? question.slice(0, 80), updatedAt: Date.now() };
  writeSessions([entry, ...list.filter((s) => s.id !== id)]);
  renderSessions();
}
function renderSessions() {
  const id = currentSessionId();
  const list = readSessions();
  const items = list.map((session) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "session";
    button.dataset.testid = "session";
    button.textContent = session.title || "Untitled chat";
    button.title = `${session.title} · ${new Date(session.updatedAt).toLocaleString()}`;
    if (session.id === id) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => switchSession(session.id));
    li.append(button);
    return li;
  });
  $("sessions").replaceChildren(...items);
  $("title").textContent = list.find((s) => s.id === id)?.title || "New chat";
}
function switchSession(id) {
  inFlight?.abort();
  localStorage.setItem(SESSION_KEY, id);
  turnsEl.replaceChildren();
  $("empty").hidden = false;
  renderSessions();
  showSessions(false);
  void loadHistory().catch(showLoadError);
}
function showSessions(open) {
  document.body.classList.toggle("sessions-open", open);
  $("toggle-sessions").setAttribute("aria-expanded", String(open));
}

// Turns ---------------------------------------------------------------------------------------

function formatConfidence(confidence) {
  return typeof confidence === "number" ? `confidence ${confidence.toFixed(2)}` : "";
}

/** Appends one question/answer pair and returns the setters for its answer. */
function addTurn(question, image) {
  $("empty").hidden = true;
  const li = document.createElement("li");
  li.className = "turn";
  li.dataset.testid = "turn";
  const q = document.createElement("div");
  q.className = "question";
  q.textContent = question;
  if (image) {
    const img = document.createElement("img");
    img.className = "turn-image";
    img.dataset.testid = "turn-image";
    img.src = image;
    img.alt = "The image sent with this question";
    q.append(img);
  }
  const a = document.createElement("div");
  a.className = "answer";
  a.dataset.testid = "answer";
  const c = document.createElement("div");
  c.className = "confidence";
  c.dataset.testid = "confidence";
  const actions = document.createElement("div");
  actions.className = "actions";
  const tools = createToolSteps();
  li.append(q, tools.element, a, c, actions);
  turnsEl.append(li);
  li.scrollIntoView({ block: "end" });
  return {
    element: li,
    tools,
    update(response, confidence, state) {
      // renderMarkdown escapes the text before it adds any tag of its own.
      a.innerHTML = renderMarkdown(response);
      a.dataset.raw = response;
      // While streaming, a confidence is not known yet: hidden, not 0.
      c.textContent = state === "done" ? formatConfidence(confidence) : "";
      c.hidden = state !== "done";
      li.dataset.state = state;
    },
    fail(message, retry) {
      a.textContent = message;
      c.hidden = true;
      li.dataset.state = "error";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "retry";
      button.dataset.testid = "retry";
      button.textContent = "Retry";
      button.addEventListener("click", () => {
        li.remove();
        retry();
      });
      actions.replaceChildren(button);
    },
    stopped(partial) {
      a.innerHTML = renderMarkdown(partial);
      c.hidden = true;
      li.dataset.state = "stopped";
      const note = document.createElement("span");
      note.className = "note";
      note.textContent = "Stopped.";
      actions.replaceChildren(note);
    },
  };
}

async function loadHistory() {
  const res = await fetch(`/api/chat/${encodeURIComponent(currentSessionId())}/history`);
  if (!res.ok) throw new Error((await res.json()).detail ?? res.statusText);
  const { turns } = await res.json();
  for (const turn of turns) {
    const added = addTurn(turn.question);
    for (const call of turn.toolCalls ?? []) added.tools.result(call);
    added.update(turn.response, turn.confidence, "done");
  }
}
function showLoadError(err) {
  statusEl.textContent = `Could not load the history: ${err.message}`;
  void checkHealth();
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

/** Asks one question; every way out leaves the turn done, stopped or failed (with Retry). */
async function ask(question, image = attachment.value()) {
  attachment.clear();
  const turn = addTurn(question, image);
  turn.update("", null, "streaming");
  const controller = new AbortController();
  inFlight = controller;
  setBusy(true);
  let partial = "";
  let settled = false;
  const retry = () => void ask(question, image);
  try {
    const res = await fetch("/api/chat/stream", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({
        message: question,
        sessionId: currentSessionId(),
        ...(toolsToggle.checked ? { tools: true } : {}),
        ...(image ? { image } : {}),
      }),
      signal: controller.signal,
    });
    if (!res.ok || !res.body) {
      const detail = await res.json().then(
        (b) => b.detail,
        () => res.statusText,
      );
      turn.fail(detail || `The server answered ${res.status}.`, retry);
      return;
    }
    touchSession(question);
    await readEvents(res.body, (event, data) => {
      if (event === "partial") {
        partial = data.response ?? partial;
        turn.update(partial, null, "streaming");
      } else if (event === "tool-call") {
        turn.tools.call(data);
      } else if (event === "tool-result") {
        turn.tools.result(data);
      } else if (event === "result") {
        settled = true;
        turn.update(data.response, data.confidence, "done");
      } else if (event === "error") {
        settled = true;
        turn.fail(data.detail, retry);
      }
    });
    if (!settled) turn.fail("The connection closed before the answer was complete.", retry);
  } catch (err) {
    if (controller.signal.aborted) turn.stopped(partial);
    else {
      turn.fail("Could not reach the server. Check that it is running, then retry.", retry);
      void checkHealth();
    }
  } finally {
    if (inFlight === controller) inFlight = null;
    setBusy(false);
  }
}

function setBusy(busy) {
  sendButton.hidden = busy;
  stopButton.hidden = !busy;
  statusEl.textContent = busy ? "thinking… (Esc stops)" : statusEl.textContent.startsWith("thinking") ? "" : statusEl.textContent;
  if (!busy) input.focus();
}

// Server health -------------------------------------------------------------------------------

let healthTimer = null;
async function checkHealth() {
  try {
    const res = await fetch("/health", { cache: "no-store" });
    if (!res.ok) throw new Error(res.statusText);
    const h = await res.json();
    $("model").textContent = h.llm === "fake" ? `fake LLM (${h.model}), not a real model` : `${h.llm} · ${h.model}`;
    $("offline").hidden = true;
    document.body.dataset.server = "up";
    clearTimeout(healthTimer);
    healthTimer = null;
    return true;
  } catch {
    $("model").textContent = "server unreachable";
    $("offline").hidden = false;
    document.body.dataset.server = "down";
    clearTimeout(healthTimer);
    healthTimer = setTimeout(() => void checkHealth(), HEALTH_POLL_MS);
    return false;
  }
}

// Wiring --------------------------------------------------------------------------------------

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (!question || inFlight) return;
  input.value = "";
  void ask(question);
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && inFlight) {
    event.preventDefault();
    inFlight.abort();
  }
});
stopButton.addEventListener("click", () => inFlight?.abort());
$("new-session").addEventListener("click", () => switchSession(newSessionId()));
$("toggle-sessions").addEventListener("click", () => showSessions(!document.body.classList.contains("sessions-open")));

toolsToggle.checked = localStorage.getItem(TOOLS_KEY) === "on";
toolsToggle.addEventListener("change", () => localStorage.setItem(TOOLS_KEY, toolsToggle.checked ? "on" : "off"));

renderSessions();
void checkHealth();
loadHistory()
  .catch(showLoadError)
  .finally(() => {
    document.body.dataset.ready = "true";
  });
