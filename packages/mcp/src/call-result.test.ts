import { describe, expect, it } from "vitest";
import { contentText, toolOutput } from "./call-result.js";

describe("tool output", () => {
  it("prefers structuredContent, else joins the content as text", () => {
    expect(toolOutput({ content: [{ type: "text", text: "3" }], structuredContent: { sum: 3 } })).toEqual({ sum: 3 });
    expect(
      toolOutput({
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      }),
    ).toBe("a\nb");
    expect(toolOutput({ content: [] })).toBe("");
  });

  it("describes content a model cannot read as text instead of dropping it", () => {
    const text = contentText({
      content: [
        { type: "image", mimeType: "image/png", data: "AAAA" },
        { type: "resource", resource: { uri: "file:///notes.txt", text: "the notes" } },
        { type: "resource", resource: { uri: "file:///logo.png", mimeType: "image/png", blob: "AAAA" } },
        { type: "resource_link", uri: "file:///big.csv", name: "big.csv" },
      ],
    });
    expect(text.split("\n")).toEqual([
      "[image: image/png, 3 bytes]",
      "the notes",
      "[resource file:///logo.png: image/png]",
      "[resource link file:///big.csv (big.csv)]",
    ]);
  });
});
