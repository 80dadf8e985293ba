/**
 * Headless Chromium for the browser tests, the screenshots and the render benchmark: Debian's
 * `chromium` package (`apt-get install chromium`), driven by playwright-core. No browser is ever
 * downloaded; a missing one is an error that says how to install it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    // Starting a browser on a busy two-core machine can take a while; this is a limit, not a wait.
    timeout: 120_000,
  });
}
