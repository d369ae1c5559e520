import { describe, expect, it } from "vitest";
import { closestName, editDistance } from "./closest-name.js";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["question", "question", 0],
    ["qustion", "question", 1],
    ["qeustion", "question", 1], // a transposition is one edit
    ["kitten", "sitting", 3],
  ])("%s / %s = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("closestName", () => {
  const names = ["question", "context", "userId", "maxResults"];
  it("suggests typos, case and separator variants", () => {
    expect(closestName("questoin", names)).toBe("question");
    expect(closestName("CONTEXT", names)).toBe("context");
    expect(closestName("user_id", names)).toBe("userId");
    expect(closestName("max_result", names)).toBe("maxResults");
  });
  it("suggests nothing when no name is close", () => {
    expect(closestName("temperature", names)).toBeUndefined();
    expect(closestName("q", names)).toBeUndefined();
    expect(closestName("anything", [])).toBeUndefined();
  });
});
