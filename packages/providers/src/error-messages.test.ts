// The messages a person reads first: each names what to change.
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError, ProviderError } from "@kaizen/contracts";
import { AnthropicProvider } from "./anthropic-provider.js";
import { OpenAIProvider } from "./openai-provider.js";

const saved = { OPENAI_API_KEY: process.env["OPENAI_API_KEY"], ANTHROPIC_API_KEY: process.env["ANTHROPIC_API_KEY"] };
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function thrown(make: () => unknown): Error {
  try {
    make();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a throw");
}

/** A port that nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("a missing API key", () => {
  it("names OPENAI_API_KEY and the BaseAgentConfig field apiKey, not a constructor the user never wrote", () => {
    delete process.env["OPENAI_API_KEY"];
    const err = thrown(() => new OpenAIProvider());
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain("OPENAI_API_KEY");
    expect(err.message).toContain("apiKey in BaseAgentConfig");
    expect(err.message).not.toContain("new OpenAIProvider");
  });

  it("names ANTHROPIC_API_KEY and the BaseAgentConfig field apiKey", () => {
    delete process.env["ANTHROPIC_API_KEY"];
    const err = thrown(() => new AnthropicProvider());
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain("ANTHROPIC_API_KEY");
    expect(err.message).toContain("apiKey in BaseAgentConfig");
    expect(err.message).not.toContain("{ apiKey }");
  });
});

describe("a server that is down", () => {
  it("says so in one sentence per idea: no double period, and what to check", async () => {
    const port = await closedPort();
    const provider = new OpenAIProvider({
      apiKey: "sk-messages-0123456789abcdef",
      baseUrl: `http://127.0.0.1:${port}/v1`,
      useAsync: true,
      maxRetries: 0,
    });
    try {
      const err = await provider.chatAsync({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(ProviderError);
      expect(err?.message).toContain("could not reach the API");
      expect(err?.message).not.toMatch(/\.\./);
      expect(err?.message).toContain("Fix: check baseUrl");
    } finally {
      await provider.close();
    }
  });
});
