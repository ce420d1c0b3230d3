/**
 * The real browser of the web tests: Debian's chromium driven by playwright-core, and a
 * "visitor" (one browser context and page) that watches for anything a hostile string could
 * make the page do — a dialog, a `window.__xss` marker, or markup that would run script
 * (event-handler attributes, inline scripts, frames, javascript: links) — and saves
 * screenshots of what it saw.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';
/** Where every run leaves its screenshots (ignored by git). */
export const screenshotDirectory = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
/** A laptop screen: the pages must be usable at this size. */
export const laptopViewport = { width: 1366, height: 900 };
/** Upper bound of any one browser action, so a broken page fails the test instead of hanging it. */
const actionTimeoutMs = 15_000;

/**
 * @example const browser = await launchChromium(); … await browser.close()
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(`no browser at ${chromiumPath}: npm test installs Debian's chromium when run as root (apt-get install chromium)`);
  // We run as root in CI containers, where chromium's sandbox cannot start. The rest keep it
  // from calling home (updates, sync, QUIC probes), which a closed network would only refuse.
  const quiet = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', ...quiet], timeout: 30_000 });
}

export interface VisitorOptions {
  /** Turn the Content Security Policy off, so that a payload that reached the page as markup would really run. */
  bypassCSP?: boolean;
  /** Headers sent with every request (e.g. X-Forwarded-For to the proxied server). */
  headers?: Record<string, string>;
  /** The browser's language (Accept-Language); default en-US. */
  locale?: string;
}

export interface Visitor {
  context: BrowserContext;
  page: Page;
  /** Messages of every alert/confirm/prompt the page opened (each is dismissed). */
  dialogs: string[];
  /** Uncaught script errors of the page. */
  pageErrors: string[];
  /** Go to a site path; fails unless the answer is `status` (default 200). */
  open(path: string, status?: number): Promise<Response>;
  /** The visible text of the page's main element. */
  mainText(): Promise<string>;
  /** Full-page PNG in the screenshot folder. */
  screenshot(name: string): Promise<void>;
  /** Asserts that nothing injected ran or could run on the current page. */
  assertNothingInjected(where: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Markup on the current page that would execute script: on* attributes, inline scripts
 * (data lives only in JSON script elements), frames and javascript: URLs. Empty on a clean page.
 */
const injectedMarkupProbe = `(() => {
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      if (/^on/i.test(attribute.name)) found.push(element.tagName.toLowerCase() + '[' + attribute.name + ']');
      if (/^(href|src|action|formaction|srcdoc)$/i.test(attribute.name) && /^\\s*javascript:/i.test(attribute.value)) found.push(element.tagName.toLowerCase() + '[' + attribute.name + '=javascript:]');
    }
    if (['iframe', 'frame', 'object', 'embed'].includes(element.tagName.toLowerCase())) found.push(element.tagName.toLowerCase());
  }
  for (const script of document.scripts) {
    if (!script.src && script.type !== 'application/json') found.push('inline script');
  }
  return found;
})()`;

/**
 * @example const visitor = await openVisitor(browser, site.url); await visitor.open('/'); await visitor.assertNothingInjected('/')
 */
export async function openVisitor(browser: Browser, baseURL: string, options: VisitorOptions = {}): Promise<Visitor> {
  const context = await browser.newContext({
    baseURL,
    viewport: laptopViewport,
    acceptDownloads: true,
    locale: options.locale ?? 'en-US',
    bypassCSP: options.bypassCSP ?? false,
    extraHTTPHeaders: options.headers,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(actionTimeoutMs);
  page.setDefaultNavigationTimeout(actionTimeoutMs);
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    dialogs,
    pageErrors,
    async open(path, status = 200) {
      const response = await page.goto(path, { waitUntil: 'load' });
      assert.ok(response, `${path}: no response`);
      assert.equal(response.status(), status, `${path}: HTTP ${response.status()}`);
      return response;
    },
    mainText: () => page.locator('main').innerText(),
    async screenshot(name) {
      mkdirSync(screenshotDirectory, { recursive: true });
      await page.screenshot({ path: join(screenshotDirectory, `${name}.png`), fullPage: true });
    },
    async assertNothingInjected(where) {
      assert.equal(await page.evaluate('window.__xss'), undefined, `${where}: a payload ran (window.__xss is set)`);
      assert.deepEqual(dialogs, [], `${where}: a dialog opened`);
      assert.deepEqual(await page.evaluate(injectedMarkupProbe), [], `${where}: markup that runs script reached the page`);
    },
    close: () => context.close(),
  };
}

/**
 * Log in through the login form; resolves when the browser has landed on the role's home.
 * @example await logIn(visitor, 'noc@sakura-net', password, '/portal')
 */
export async function logIn(visitor: Visitor, name: string, password: string, landing: string): Promise<void> {
  await visitor.open('/login');
  await visitor.page.fill('input[name="name"]', name);
  await visitor.page.fill('input[name="password"]', password);
  await Promise.all([visitor.page.waitForURL((url) => url.pathname === landing), visitor.page.click('form.login button[type="submit"]')]);
}

/**
 * Whether the page's charts were drawn: every chart box marked rendered by dashboard.js,
 * with an ECharts canvas (or SVG) inside. Resolves to the number of charts.
 * @example assert.ok(await chartsDrawn(page) > 0)
 */
export async function chartsDrawn(page: Page): Promise<number> {
  const boxes = page.locator('[data-chart]');
  const count = await boxes.count();
  await page.waitForFunction(`document.querySelectorAll('[data-chart][data-rendered="true"]').length === ${count}`, undefined, { timeout: actionTimeoutMs });
  const drawn = await page.locator('[data-chart] canvas, [data-chart] svg').count();
  assert.ok(drawn >= count, `every chart box holds a canvas or svg (${drawn} for ${count} boxes)`);
  return count;
}
