// Debian's chromium for page tests (installed by scripts/setup-services.sh); never a downloaded browser build.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe } from 'vitest';

/** Where the browser is; CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `describe` when chromium is installed (always in CI), else `describe.skip` with the suite still listed. */
export const describeIfBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

/** Starts headless chromium with the flags this closed network needs (no background calls to Google). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
