// Which OpenAI-compatible vendor a provider talks to: named by the `vendor` option, else read off
// the baseUrl's host. It decides how the vendor's usage block is read (see
// normalize-compatible-usage.ts); everything else about the protocol is the same for all.

export type CompatibleVendor =
  | "openai"
  | "azure"
  | "xai"
  | "deepseek"
  | "groq"
  | "mistral"
  | "together"
  | "fireworks"
  | "openrouter"
  | "ollama"
  | "vllm"
  | "generic";

export const COMPATIBLE_VENDORS: readonly CompatibleVendor[] = [
  "openai",
  "azure",
  "xai",
  "deepseek",
  "groq",
  "mistral",
  "together",
  "fireworks",
  "openrouter",
  "ollama",
  "vllm",
  "generic",
];

/** Host (and for local servers, port) of each vendor's public endpoint. First match wins. */
export const VENDOR_HOSTS: ReadonlyArray<{ vendor: CompatibleVendor; host: RegExp; port?: string }> = [
  { vendor: "openai", host: /^api\.openai\.com$/i },
  { vendor: "azure", host: /\.(openai|cognitiveservices)\.azure\.com$/i },
  { vendor: "xai", host: /^api\.x\.ai$/i },
  { vendor: "deepseek", host: /^api\.deepseek\.com$/i },
  { vendor: "groq", host: /^api\.groq\.com$/i },
  { vendor: "mistral", host: /^(api|codestral)\.mistral\.ai$/i },
  { vendor: "together", host: /^api\.together\.(xyz|ai)$/i },
  { vendor: "fireworks", host: /^api\.fireworks\.ai$/i },
  { vendor: "openrouter", host: /^openrouter\.ai$/i },
  // Local servers have no host of their own: Ollama's default port is 11434.
  { vendor: "ollama", host: /^(localhost|127\.0\.0\.1|\[::1\]|ollama)$/i, port: "11434" },
];

/** The vendor behind `baseUrl`, or undefined when the host is not one of VENDOR_HOSTS. */
export function detectVendor(baseUrl: string | undefined): CompatibleVendor | undefined {
  if (baseUrl === undefined) return "openai";
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  for (const entry of VENDOR_HOSTS) {
    if (entry.host.test(url.hostname) && (entry.port === undefined || url.port === entry.port)) return entry.vendor;
  }
  return undefined;
}
