import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "./test-support/harness.js";
import { launchChromium } from "./test-support/browser.js";

const RECORD_PARTIALS = `
  window.seenPartials = [];
  new MutationObserver(() => {
    const turn = document.querySelector(".turn:last-child");
    const answer = turn?.querySelector(".answer")?.textContent ?? "";
    if (turn?.dataset.state === "streaming" && answer && window.seenPartials.at(-1) !== answer) window.seenPartials.push(answer);
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
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);
});
