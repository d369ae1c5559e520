// The chat page's tool mode in headless Chromium (see browser.test.ts for the browser it uses):
// the toggle, and a line per tool call that appears while the answer is still being written.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { toolResultsOf } from "@kaizen/testing";
import { startTestApp, type TestApp } from "./test-support/harness.js";
import { launchChromium } from "./test-support/browser.js";

// Notes, per turn state, what the tool steps showed: proof that a step was on screen before the answer was done.
const RECORD_STEPS = `
  window.stepsWhileStreaming = [];
  new MutationObserver(() => {
    const turn = document.querySelector(".turn:last-child");
    if (turn?.dataset.state !== "streaming") return;
    const steps = [...turn.querySelectorAll("[data-testid=tool-step]")].map((s) => s.textContent);
    if (steps.length && JSON.stringify(window.stepsWhileStreaming.at(-1)) !== JSON.stringify(steps)) window.stepsWhileStreaming.push(steps);
  }).observe(document.getElementById("turns"), { subtree: true, childList: true, characterData: true, attributes: true });
`;

let t: TestApp;
let url: string;
let browser: Browser;
beforeAll(async () => {
  // Slow chunks: the answer after the tool call takes long enough to watch the step arrive first.
  t = await startTestApp({ fake: { streamChunkDelayMs: 60 } });
  url = await t.app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});
beforeEach(() => {
  t.fake.resetScript();
  t.fake.clearRequests();
});

async function freshPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

async function ask(page: Page, question: string): Promise<void> {
  const before = await page.locator(".turn[data-state=done]").count();
  await page.fill("[data-testid=question]", question);
  await page.press("[data-testid=question]", "Enter");
  await page.locator(".turn[data-state=done]").nth(before).waitFor({ timeout: 20_000 });
}

describe("the chat page with tools", () => {
  it("with the toggle on, shows each tool step (name, input, result or error) before the answer is done", async () => {
    const page = await freshPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.evaluate(RECORD_STEPS);
    expect(await page.isChecked("[data-testid=tools-toggle]")).toBe(false);
    await page.check("[data-testid=tools-toggle]");

    t.fake.toolCalls([
      { name: "calculator", arguments: { expression: "12 * 12" }, id: "call_page_ok" },
      { name: "calculator", arguments: { expression: "12 / 0" }, id: "call_page_bad" },
    ]);
    t.fake.reply(
      { answer: "The calculator says 12 * 12 = 144; dividing by zero is refused.", confidence: 0.9 },
      { match: (r) => toolResultsOf(r).some((result) => result.content.includes('"result":144')) },
    );
    await ask(page, "Use the calculator on twelve squared, and twelve over zero.");

    const steps = page.locator(".turn[data-state=done] [data-testid=tool-step]");
    expect(await steps.count()).toBe(2);
    expect(await steps.nth(0).textContent()).toBe('calculator(expression: "12 * 12")→ 144');
    expect(await steps.nth(0).getAttribute("data-state")).toBe("ok");
    expect(await steps.nth(1).getAttribute("data-state")).toBe("error");
    expect(await steps.nth(1).textContent()).toMatch(/^calculator\(expression: "12 \/ 0"\)✗ .*division by zero/);
    expect(await page.locator(".turn[data-state=done] [data-testid=answer]").textContent()).toContain("144");
    await page.screenshot({ path: join(tmpdir(), "kaizen-chat-tools.png") });

    // The steps were on screen, complete, while the answer was still streaming.
    const seen = (await page.evaluate("window.stepsWhileStreaming")) as string[][];
    expect(seen.some((s) => s.length === 2 && s[0]!.includes("→ 144"))).toBe(true);
    expect(t.fake.requests.find((r) => r.path.endsWith("/chat/completions"))?.body).toHaveProperty("tools");

    // The choice survives a reload; turned off, no tools are offered and no steps appear.
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    expect(await page.isChecked("[data-testid=tools-toggle]")).toBe(true);
    // The history brings the turn's tool steps back with it.
    const restored = page.locator(".turn").first().locator("[data-testid=tool-step]");
    expect(await restored.count()).toBe(2);
    expect(await restored.nth(0).textContent()).toBe('calculator(expression: "12 * 12")→ 144');
    expect(await restored.nth(1).getAttribute("data-state")).toBe("error");
    await page.uncheck("[data-testid=tools-toggle]");
    t.fake.clearRequests();
    await ask(page, "What is 2+2?");
    expect(await page.locator(".turn:last-child [data-testid=tool-step]").count()).toBe(0);
    expect(await page.locator(".turn:last-child [data-testid=tool-steps]").isHidden()).toBe(true);
    expect(t.fake.requests.find((r) => r.path.endsWith("/chat/completions"))?.body).not.toHaveProperty("tools");
    expect(pageErrors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("shows a model's tool input as text, never as markup", async () => {
    const page = await freshPage();
    await page.check("[data-testid=tools-toggle]");
    t.fake.toolCalls([{ name: "calculator", arguments: { expression: "<img src=x onerror=window.pwned=1>" } }]);
    await ask(page, "Try something odd with the calculator.");
    const step = page.locator(".turn[data-state=done] [data-testid=tool-step]");
    expect(await step.textContent()).toContain("<img src=x onerror=window.pwned=1>");
    expect(await step.locator("img").count()).toBe(0);
    expect(await step.getAttribute("data-state")).toBe("error");
    expect(await page.evaluate("window.pwned ?? null")).toBeNull();
    await page.context().close();
  }, 60_000);
});
