import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

export const artifacts = join(import.meta.dirname, '..', '..', '..', 'test-results');
mkdirSync(artifacts, { recursive: true });

/** Debian's Chromium, headless, with nothing reaching out to the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Every console error and uncaught exception of the pages opened through it, with the page's URL: a test ends by
 * asserting the list is empty (a missing favicon, a failed fetch or a script error all land here).
 */
export class ConsoleErrors {
  readonly seen: string[] = [];

  async open(browser: Browser, url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    // Under the test's own timeout: an element that never shows fails naming its locator, not as a bare test timeout.
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (message.type() === 'error') this.seen.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.seen.push(`${page.url()}: ${error.message}`));
    await page.goto(url);
    return page;
  }
}

/** A full-page screenshot at 1280 and at 360 px wide, under test-results/. */
export async function screenshots(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 800 });
    await page.screenshot({ path: join(artifacts, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
}
