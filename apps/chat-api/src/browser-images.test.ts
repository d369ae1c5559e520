// The chat page's image attachment in headless Chromium (see browser.test.ts for the browser):
// pick a file, see it in the composer, send it with the question; the turn shows it and the model
// got it as an image part; a file that is not an image is refused on the page, before any request.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { imagesOf } from "@kaizen/testing";
import { startTestApp, type TestApp } from "./test-support/harness.js";
import { launchChromium } from "./test-support/browser.js";

const PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

let t: TestApp;
let url: string;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), "kaizen-page-images-"));
beforeAll(async () => {
  t = await startTestApp();
  url = await t.app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium();
  writeFileSync(join(dir, "pixel.png"), Buffer.from(PNG_1X1, "base64"));
  writeFileSync(join(dir, "notes.txt"), "not an image");
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the chat page with an image", () => {
  it("attaches, previews, sends it with the question, and shows it in the turn", async () => {
    const page = await (await browser.newContext()).newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    t.fake.clearRequests();

    await page.setInputFiles("[data-testid=image-input]", join(dir, "pixel.png"));
    await page.waitForSelector("[data-testid=attachment]:not([hidden])");
    expect(await page.getAttribute("[data-testid=attachment-preview]", "src")).toBe(`data:image/png;base64,${PNG_1X1}`);
    await page.screenshot({ path: join(tmpdir(), "kaizen-chat-attachment.png") });

    await page.fill("[data-testid=question]", "What color is this pixel?");
    await page.press("[data-testid=question]", "Enter");
    await page.locator(".turn[data-state=done]").first().waitFor({ timeout: 20_000 });
    expect(await page.getAttribute(".turn [data-testid=turn-image]", "src")).toBe(`data:image/png;base64,${PNG_1X1}`);
    await page.screenshot({ path: join(tmpdir(), "kaizen-chat-image-turn.png") });
    // Sent once: the composer is empty again.
    expect(await page.isHidden("[data-testid=attachment]")).toBe(true);
    const chat = t.fake.requests.find((r) => r.path.endsWith("/chat/completions"))!;
    expect(imagesOf(chat)).toEqual([expect.objectContaining({ kind: "base64", mediaType: "image/png", data: PNG_1X1 })]);

    // The next question goes without it.
    t.fake.clearRequests();
    await page.fill("[data-testid=question]", "And now?");
    await page.press("[data-testid=question]", "Enter");
    await page.locator(".turn[data-state=done]").nth(1).waitFor({ timeout: 20_000 });
    expect(imagesOf(t.fake.requests.find((r) => r.path.endsWith("/chat/completions"))!)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("refuses a file that is not an image, saying so, without a request", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    t.fake.clearRequests();
    await page.setInputFiles("[data-testid=image-input]", join(dir, "notes.txt"));
    await page.waitForFunction(() =>
      (globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } }).document
        .getElementById("status")
        ?.textContent.includes("PNG, JPEG, GIF or WebP"),
    );
    expect(await page.isHidden("[data-testid=attachment]")).toBe(true);
    expect(t.fake.requests).toEqual([]);
    await page.context().close();
  }, 60_000);
});
