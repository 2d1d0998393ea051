// Real Chromium for the admin panel tests: Debian's /usr/bin/chromium driven by playwright-core,
// a fresh profile directory per suite, cookies cleared per test, a console watcher that fails a
// test on any error except the known offline ones, and card screenshots for reviewers and docs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.resolve('test/artifacts');
export const DOC_IMAGES_DIR = path.resolve('docs/images');
export const SUITE_TIMEOUT = 180_000;

const LAUNCH_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Call from a suite's `before`: in CI (CI=true) a missing browser fails the suite; locally the
 * suite is skipped with a loud message.
 */
export function requireChromium(ctx: Mocha.Context): void {
  if (fs.existsSync(CHROMIUM_PATH)) return;
  const message = `Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH).`;
  if (process.env.CI === 'true') throw new Error(`${message} Browser tests are required in CI.`);
  process.stderr.write(`\n\n  !!!!! SKIPPING BROWSER TESTS: ${message}\n\n`);
  ctx.skip();
}

export interface Browser {
  context: BrowserContext;
  profileDir: string;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    args: LAUNCH_ARGS,
    viewport: { width: 1400, height: 1000 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    profileDir,
    close: async () => {
      await context.close();
      fs.rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Requests that fail offline in every AdminJS page: the Google Fonts stylesheet (the favicon is served, so a 404 for it fails a test). */
const KNOWN_OFFLINE = [/^https:\/\/fonts\.(googleapis|gstatic)\.com\//];

/**
 * Collects console errors and uncaught page errors. `allow(pattern)` accepts the "Failed to load
 * resource" error of a request a test provokes on purpose (e.g. a 400 from a validation check).
 */
export class ConsoleWatcher {
  readonly errors: string[] = [];
  private allowed: RegExp[] = [];
  private readonly onConsole = (msg: ConsoleMessage) => {
    if (msg.type() !== 'error') return;
    const url = msg.location()?.url ?? '';
    if ([...KNOWN_OFFLINE, ...this.allowed].some((re) => re.test(url))) return;
    this.errors.push(`console.error ${msg.text()}${url ? ` (${url})` : ''}`);
  };
  private readonly onPageError = (err: Error) => this.errors.push(`pageerror ${err.message}`);

  constructor(private readonly page: Page) {
    page.on('console', this.onConsole);
    page.on('pageerror', this.onPageError);
  }

  allow(pattern: RegExp): void {
    this.allowed.push(pattern);
  }

  stop(): void {
    this.page.off('console', this.onConsole);
    this.page.off('pageerror', this.onPageError);
  }
}

/** A fresh page with no cookies from an earlier test, and its console watcher. */
export async function freshPage(browser: Browser): Promise<{ page: Page; watcher: ConsoleWatcher }> {
  await browser.context.clearCookies();
  for (const p of browser.context.pages()) await p.close();
  const page = await browser.context.newPage();
  return { page, watcher: new ConsoleWatcher(page) };
}

/** Logs in through the AdminJS form at /admin/login and waits for the dashboard. */
export async function loginViaForm(page: Page, baseUrl: string, email: string, password = 'password123'): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`, { waitUntil: 'domcontentloaded' });
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await Promise.all([page.waitForURL(`${baseUrl}/admin`, { waitUntil: 'domcontentloaded' }), page.locator('form button').click()]);
  await page.getByTestId('dashboard').waitFor();
}

/**
 * Writes a screenshot of `locator` to test/artifacts/{name}.png; with DOCS_SCREENSHOTS=1 also to
 * docs/images/{name}.png (the committed copies used by the README).
 */
export async function screenshot(locator: Locator, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await locator.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  if (process.env.DOCS_SCREENSHOTS === '1') {
    fs.mkdirSync(DOC_IMAGES_DIR, { recursive: true });
    fs.copyFileSync(file, path.join(DOC_IMAGES_DIR, `${name}.png`));
  }
  return file;
}
