import { describe, expect, it } from "vitest";
import { PACKAGE_NAME } from "./index.js";

describe("@kaizen/memory", () => {
  it("exposes its public entry point", () => {
    expect(PACKAGE_NAME).toBe("@kaizen/memory");
  });
});
