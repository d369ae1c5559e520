import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * Debian's chromium (scripts/ensure-services.sh installs it on CI machines; never `playwright
 * install`), else CHROMIUM_PATH, else a Chrome or Chromium already on the machine.
 */
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome-stable", "/usr/bin/google-chrome"];
export const CHROMIUM_PATH = process.env["CHROMIUM_PATH"] ?? CANDIDATES.find((path) => existsSync(path)) ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}. Fix: run scripts/ensure-services.sh as root (it runs apt-get install -y chromium), ` +
        "or point CHROMIUM_PATH at a Chromium binary.",
    );
  }
  // launch() gives every run a fresh temporary profile (its own --user-data-dir).
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
    timeout: 30_000,
  });
}
