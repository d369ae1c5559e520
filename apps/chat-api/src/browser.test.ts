import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestApp, type TestApp } from "./test-support/harness.js";
import { launchChromium } from "./test-support/browser.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The page's CSP forbids eval, so predicates are functions run in the page, not strings; this is
// the little of the DOM they touch (the test project has no DOM lib).
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
};

const RECORD_PARTIALS = `
  window.seenPartials = [];
  new MutationObserver(() => {
    const turn = document.querySelector(".turn:last-child");
    const answer = turn?.querySelector(".answer")?.textContent ?? "";
    if (turn?.dataset.state === "streaming" && answer && window.seenPartials.at(-1) !== answer) window.seenPartials.push(answer);
    const confidence = turn?.querySelector(".confidence");
    if (turn?.dataset.state === "streaming" && confidence && (!confidence.hidden || confidence.textContent)) window.confidenceWhileStreaming = confidence.textContent;
  }).observe(document.getElementById("turns"), { subtree: true, childList: true, characterData: true, attributes: true });
`;
const SESSION_ID = 'localStorage.getItem("kaizen.chat.sessionId")';

let t: TestApp;
let url: string;
let browser: Browser;
beforeAll(async () => {
  t = await startTestApp({ fake: { streamChunkDelayMs: 60 } });
  url = await t.app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("the chat page in headless Chromium", () => {
  it("asks, shows the answer growing and its confidence, and shows the history again after a reload", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");

    // Record every text the answer shows while it is still streaming. (Page code is passed as a
    // string: this file is compiled for Node, without the DOM types.)
    await page.evaluate(RECORD_PARTIALS);

    await page.fill("[data-testid=question]", "What is 2+2?");
    await page.click("[data-testid=send]");
    const done = page.locator(".turn[data-state=done]");
    await done.waitFor({ timeout: 15_000 });
    const answer = (await done.locator("[data-testid=answer]").textContent()) ?? "";
    expect(answer).toContain("4");
    expect(await done.locator("[data-testid=confidence]").textContent()).toMatch(/^confidence (0\.\d\d|1\.00)$/);

    // While the answer streams its confidence is not known: hidden, never "confidence 0.00".
    expect(await page.evaluate("window.confidenceWhileStreaming ?? null")).toBeNull();
    const partials = (await page.evaluate("window.seenPartials")) as string[];
    expect(new Set(partials).size).toBeGreaterThanOrEqual(2);
    for (const partial of partials) expect(answer.startsWith(partial)).toBe(true);

    const sessionId = await page.evaluate(SESSION_ID);
    expect(sessionId).toMatch(/^web-/);

    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    const turns = page.locator("[data-testid=turn]");
    expect(await turns.count()).toBe(1);
    expect(await turns.first().locator(".question").textContent()).toBe("What is 2+2?");
    expect(await turns.first().locator("[data-testid=answer]").textContent()).toBe(answer);
    expect(await page.evaluate(SESSION_ID)).toBe(sessionId);
    // The header names the conversation by its first question, never by its id.
    expect(await page.locator("header").textContent()).not.toContain(String(sessionId).slice(4, 12));
    expect(await page.locator("[data-testid=title]").textContent()).toBe("What is 2+2?");
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it("renders answers as markdown with any HTML in them escaped", async () => {
    const page = await freshPage();
    t.fake.reply(
      {
        answer: "Two **bold** steps:\n\n- `npm start`\n- open <img src=x onerror=window.pwned=1> [docs](https://example.com)",
        confidence: 0.8,
      },
      { match: (r) => JSON.stringify(r.body).includes("markdown please") },
    );
    await ask(page, "markdown please");
    const answer = page.locator(".turn[data-state=done] [data-testid=answer]").last();
    expect(await answer.locator("strong").textContent()).toBe("bold");
    expect(await answer.locator("li code").textContent()).toBe("npm start");
    expect(await answer.locator("a").getAttribute("href")).toBe("https://example.com");
    expect(await answer.locator("img").count()).toBe(0);
    expect(await answer.textContent()).toContain("<img src=x onerror=window.pwned=1>");
    expect(await page.evaluate("window.pwned ?? null")).toBeNull();
    await page.context().close();
  }, 60_000);

  it("stops a streaming answer with Esc (and the Stop button), keeping what arrived", async () => {
    const page = await freshPage();
    t.fake.reply(
      { answer: "word ".repeat(200).trim(), confidence: 0.5 },
      { match: (r) => JSON.stringify(r.body).includes("a long one"), times: 2 },
    );
    await page.fill("[data-testid=question]", "a long one");
    await page.press("[data-testid=question]", "Enter");
    await page.waitForFunction(
      () => (document.querySelector(".turn[data-state=streaming] .answer")?.textContent?.length ?? 0) > 0,
    );
    expect(await page.locator("[data-testid=stop]").isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    const stopped = page.locator(".turn[data-state=stopped]");
    await stopped.waitFor({ timeout: 5_000 });
    const kept = (await stopped.locator("[data-testid=answer]").textContent()) ?? "";
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan("word ".repeat(200).trim().length);
    expect(await page.locator("[data-testid=stop]").isVisible()).toBe(false);
    expect(await page.locator("[data-testid=send]").isVisible()).toBe(true);

    await page.fill("[data-testid=question]", "a long one");
    await page.click("[data-testid=send]");
    await page.waitForFunction(
      () => (document.querySelector(".turn[data-state=streaming] .answer")?.textContent?.length ?? 0) > 0,
    );
    await page.click("[data-testid=stop]");
    await page.locator(".turn[data-state=stopped]").nth(1).waitFor({ timeout: 5_000 });
    expect(await page.locator(".turn[data-state=streaming]").count()).toBe(0);
    await page.context().close();
  }, 60_000);

  it("lists past conversations and restores one from the server's history", async () => {
    const page = await freshPage();
    await ask(page, "What is 3+3?");
    await page.click("[data-testid=new-session]");
    expect(await page.locator("[data-testid=turn]").count()).toBe(0);
    expect(await page.locator("[data-testid=title]").textContent()).toBe("New chat");
    await ask(page, "What is 5+5?");
    const sessions = page.locator("[data-testid=session]");
    expect(await sessions.allTextContents()).toEqual(["What is 5+5?", "What is 3+3?"]);

    await sessions.nth(1).click();
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=turn]").length === 1);
    expect(await page.locator(".turn .question").textContent()).toBe("What is 3+3?");
    expect(await page.locator("[data-testid=answer]").textContent()).toContain("6");
    expect(await page.locator("[data-testid=title]").textContent()).toBe("What is 3+3?");
    await page.context().close();
  }, 60_000);

  it("serves a favicon", async () => {
    const res = await fetch(`${url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\//);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });

  it("fits 375 px and 1280 px: no sideways scroll, a one-line header", async () => {
    for (const width of [375, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForSelector("body[data-ready=true]");
      await ask(page, "Please explain, at some length, why the sky looks blue on a clear summer afternoon?");
      expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
      const header = await page.locator("header").boundingBox();
      const title = await page.locator("header h1").boundingBox();
      // One line: the header is no taller than its title plus its padding.
      expect(header!.height).toBeLessThan(title!.height * 2 + 8);
      expect(await page.locator("[data-testid=send]").isVisible()).toBe(true);
      await page.screenshot({ path: join(tmpdir(), `kaizen-chat-${width}.png`), fullPage: true });
      await context.close();
    }
  }, 60_000);
});

describe("the chat page when the server goes away", () => {
  it("ends the turn with an error and Retry, shows the server is down, and recovers when it is back", async () => {
    const first = await startTestApp();
    const firstUrl = await first.app.listen({ port: 0, host: "127.0.0.1" });
    const port = Number(new URL(firstUrl).port);
    let second: TestApp | undefined;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(firstUrl);
      await page.waitForSelector("body[data-ready=true]");
      await first.close();

      await ask(page, "What is 2+2?", "error");
      const failed = page.locator(".turn[data-state=error]");
      expect(await failed.locator("[data-testid=answer]").textContent()).toContain("Could not reach the server");
      expect(await page.locator(".turn[data-state=streaming]").count()).toBe(0);
      await page.locator("[data-testid=offline]").waitFor({ state: "visible", timeout: 5_000 });
      await page.screenshot({ path: join(tmpdir(), "kaizen-chat-offline.png") });

      second = await startTestApp();
      await second.app.listen({ port, host: "127.0.0.1" });
      await page.locator("[data-testid=offline]").waitFor({ state: "hidden", timeout: 10_000 });
      await failed.locator("[data-testid=retry]").click();
      const done = page.locator(".turn[data-state=done]");
      await done.waitFor({ timeout: 15_000 });
      expect(await done.locator("[data-testid=answer]").textContent()).toContain("4");
      expect(await page.locator(".turn[data-state=error]").count()).toBe(0);
    } finally {
      await context.close();
      await second?.close();
    }
  }, 60_000);
});

async function freshPage(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

/** Types a question, sends it with Enter and waits for its turn to settle in `state`. */
async function ask(page: Page, question: string, state = "done"): Promise<void> {
  const before = await page.locator(`.turn[data-state=${state}]`).count();
  await page.fill("[data-testid=question]", question);
  await page.press("[data-testid=question]", "Enter");
  await page.locator(`.turn[data-state=${state}]`).nth(before).waitFor({ timeout: 15_000 });
}
