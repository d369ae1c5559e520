// An image with the question, through the real app, agent and OpenAI client to the fake LLM
// server: it reaches the model as an image part, is checked before any request, and stays out of
// memory (a later turn of the session sends a reference, not the bytes).
import { randomUUID } from "node:crypto";
import { imagesOf } from "@kaizen/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./test-support/harness.js";

const PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const dataUrl = `data:image/png;base64,${PNG_1X1}`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ app: { maxImageBytes: 4096 } });
});
afterAll(() => t.close());

const post = (url: string, payload: object) =>
  t.app.inject({ method: "POST", url, payload, headers: { "content-type": "application/json" } });
const chats = () => t.fake.requests.filter((r) => r.path.endsWith("/chat/completions"));

describe("an image with the question", () => {
  it("reaches the model as an image part beside the question", async () => {
    t.fake.clearRequests();
    const res = await post("/api/chat", { message: "What color is this pixel?", image: dataUrl });
    expect(res.statusCode, res.body).toBe(200);
    const images = imagesOf(chats()[0]!);
    expect(images).toEqual([
      expect.objectContaining({ protocol: "openai", kind: "base64", mediaType: "image/png", data: PNG_1X1 }),
    ]);
    expect(JSON.stringify(chats()[0]!.body)).toContain("What color is this pixel?");
  });

  it("in a session: the next turn carries a reference to the image, not its bytes", async () => {
    const sessionId = `img-${randomUUID()}`;
    expect((await post(`/api/chat/${sessionId}`, { message: "Remember this pixel.", image: dataUrl })).statusCode).toBe(200);
    t.fake.clearRequests();
    expect((await post(`/api/chat/${sessionId}`, { message: "What did I show you?" })).statusCode).toBe(200);
    const sent = JSON.stringify(chats()[0]!.body);
    expect(imagesOf(chats()[0]!)).toEqual([]);
    expect(sent).not.toContain(PNG_1X1);
    expect(sent).toContain("sha256");
  });

  it("the stream takes an image too", async () => {
    t.fake.clearRequests();
    const res = await post("/api/chat/stream", { message: "Describe the image.", image: dataUrl });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("event: result");
    expect(imagesOf(chats()[0]!)).toHaveLength(1);
  });

  it("a wrong type or an oversized image is a 400 naming the field, and the model is not asked", async () => {
    t.fake.clearRequests();
    const text = await post("/api/chat", {
      message: "Read this.",
      image: `data:text/plain;base64,${Buffer.from("hi").toString("base64")}`,
    });
    expect(text.statusCode).toBe(400);
    expect(text.json<{ detail: string }>().detail).toMatch(/image/);
    const big = `data:image/png;base64,${Buffer.alloc(8192, 1).toString("base64")}`;
    const tooBig = await post("/api/chat", { message: "And this?", image: big });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json<{ detail: string }>().detail).toMatch(/image.*4096 bytes/);
    expect(chats()).toEqual([]);
  });
});
