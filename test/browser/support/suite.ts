// One in-process app and one Chromium per browser suite, plus small waiting helpers (playwright-core
// has no `expect`): every wait fails with the text that was actually on the page.
import { expect } from 'chai';
import type { Locator } from 'playwright-core';
import { startTestServer, type TestServer } from '../../support/server.js';
import { launchBrowser, requireChromium, SUITE_TIMEOUT, type Browser } from './browser.js';

export interface BrowserSuite {
  srv: TestServer;
  browser: Browser;
}

/**
 * Outside production AdminJS bundles the panel's components on the first request for them (rollup
 * over every component and the libraries they import, such as Recharts: several seconds, more on a
 * busy machine). Build it before the first page, so page timeouts measure pages.
 */
async function buildComponentBundle(baseUrl: string): Promise<void> {
  const res = await fetch(`${baseUrl}/admin/frontend/assets/components.bundle.js`, { signal: AbortSignal.timeout(SUITE_TIMEOUT / 2) });
  const text = await res.text();
  expect(res.status, text.slice(0, 500)).to.equal(200);
}

/** Registers before/after hooks; the returned object is filled in `before`. */
export function browserSuite(opts: { env?: Record<string, string> } = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  before(async function () {
    this.timeout(SUITE_TIMEOUT);
    requireChromium(this);
    suite.srv = await startTestServer({ env: opts.env });
    await buildComponentBundle(suite.srv.url);
    suite.browser = await launchBrowser();
  });
  after(async function () {
    this.timeout(60_000);
    await suite.browser?.close();
    await suite.srv?.close();
  });
  return suite;
}

/** Waits until `locator` contains `text`; on timeout fails with what it did contain. */
export async function waitForText(locator: Locator, text: string | RegExp, timeout = 10_000): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
  } catch {
    const actual = (await locator.count()) ? await locator.first().innerText().catch(() => '(unreadable)') : '(element not found)';
    expect.fail(`expected ${locator} to contain ${String(text)}; it contained: ${actual}`);
  }
}

/** Waits for a status badge (`data-state`) and returns its text. */
export async function waitForBadge(badge: Locator, state: 'connected' | 'not_verified' | 'not_connected' | 'reconnect' | 'error', timeout = 10_000): Promise<string> {
  try {
    await badge.and(badge.page().locator(`[data-state="${state}"]`)).waitFor({ timeout });
  } catch {
    const actual = (await badge.count()) ? `${await badge.getAttribute('data-state')} "${await badge.innerText()}"` : '(badge not found)';
    expect.fail(`expected ${badge} to be ${state}; it was ${actual}`);
  }
  return badge.innerText();
}
