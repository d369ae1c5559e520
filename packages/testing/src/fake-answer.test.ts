import { describe, expect, it } from "vitest";
import { answerQuestion, evaluateArithmetic, extractTopic, findArithmetic } from "./fake-answer.js";

describe("the fake model's answers", () => {
  it.each([
    ["What is 2+2?", "4"],
    ["what is 12 times 3", "36"],
    ["What is 7 multiplied by 6?", "42"],
    ["What's 100 divided by 8?", "12.5"],
    ["Compute 0.1 + 0.2", "0.3"],
    ["What is (2 + 3) * 4?", "20"],
    ["what is 5 minus 9", "-4"],
    ["3 x 3", "9"],
  ])("%s -> contains %s", (question, expected) => {
    expect(answerQuestion(question).text).toContain(expected);
  });

  it("finds the question in a rendered prompt and ignores dates", () => {
    expect(findArithmetic("User question:\nWhat is 2+2?")?.value).toBe(4);
    expect(findArithmetic("Today is 2024-01-02, say hi")).toBeUndefined();
    expect(evaluateArithmetic("1 / 0")).toBeUndefined();
  });

  it("answers other questions with short text derived from the question, deterministically", () => {
    const a = answerQuestion("User question:\nWhy do cats purr?");
    expect(a.text).toContain("Why do cats purr");
    expect(answerQuestion("User question:\nWhy do cats purr?")).toEqual(a);
    expect(answerQuestion("Tell me about volcanoes").text).not.toBe(a.text);
  });
});

describe("extractTopic with media labels", () => {
  it("skips an image's field label, so the topic is the question", () => {
    const rendered = "User question (question):\nWhat color is this pixel?\n\nAn image the question is about (image):";
    expect(extractTopic(rendered)).toBe("What color is this pixel");
  });
});
