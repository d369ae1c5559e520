// The tool steps of one turn: a compact line per call (name, input, then its result or error),
// added when the server announces the call and completed when its result arrives. Text only
// (textContent), so nothing a model writes into a tool's input can become markup.

const MAX_SHOWN = 160;

function shorten(text) {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** `{ expression: "1+2" }` reads as `expression: "1+2"`; anything else as its JSON. */
export function formatInput(input) {
  if (input && typeof input === "object" && !Array.isArray(input)) {
    return shorten(
      Object.entries(input)
        .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
        .join(", "),
    );
  }
  return shorten(input === undefined ? "" : typeof input === "string" ? input : JSON.stringify(input));
}

/** The part of a tool's output worth a glance: the calculator's result, the clock's reading, else JSON. */
export function formatOutput(output) {
  if (output && typeof output === "object") {
    if ("result" in output) return shorten(String(output.result));
    if (typeof output.local === "string")
      return shorten(`${output.local} ${output.timeZone ?? ""} (UTC${output.utcOffset ?? ""})`.trim());
  }
  return shorten(typeof output === "string" ? output : JSON.stringify(output ?? null));
}

/** A list of tool steps for one turn; hidden until its first call. */
export function createToolSteps() {
  const list = document.createElement("ol");
  list.className = "tool-steps";
  list.dataset.testid = "tool-steps";
  list.hidden = true;
  const byId = new Map();

  function line(id, name, input) {
    let li = byId.get(id);
    if (!li) {
      li = document.createElement("li");
      li.className = "tool-step";
      li.dataset.testid = "tool-step";
      li.dataset.state = "running";
      const nameEl = document.createElement("span");
      nameEl.className = "tool-name";
      const inputEl = document.createElement("span");
      inputEl.className = "tool-input";
      const outcomeEl = document.createElement("span");
      outcomeEl.className = "tool-outcome";
      outcomeEl.dataset.testid = "tool-outcome";
      outcomeEl.textContent = "…";
      li.append(nameEl, inputEl, outcomeEl);
      byId.set(id, li);
      list.append(li);
      list.hidden = false;
    }
    li.querySelector(".tool-name").textContent = name;
    li.querySelector(".tool-input").textContent = `(${formatInput(input)})`;
    return li;
  }

  return {
    element: list,
    /** The server's `tool-call` event: the call is about to run. */
    call({ id, name, input }) {
      line(id, name, input);
    },
    /** The server's `tool-result` event. */
    result({ id, name, input, status, output, error }) {
      const li = line(id, name, input);
      const ok = status === "ok";
      li.dataset.state = ok ? "ok" : "error";
      li.querySelector(".tool-outcome").textContent = ok ? `→ ${formatOutput(output)}` : `✗ ${shorten(error ?? status)}`;
      li.title = ok ? JSON.stringify(output) : (error ?? status);
    },
  };
}
