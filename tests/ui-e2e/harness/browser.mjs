// Debian's Chromium driven by playwright-core (no browser download), and pages that record
// what went wrong in them: uncaught errors, console errors, failed and 5xx requests.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.MAILMARK_CHROMIUM || '/usr/bin/chromium';
export const DESKTOP = Object.freeze({ width: 1280, height: 800 });
export const MOBILE = Object.freeze({ width: 390, height: 844 });
// Generous: a loaded 2-core machine must not fail a test that would pass given time.
export const ACTION_TIMEOUT_MS = 60_000;

// We run as root (no sandbox possible) and without internet (nothing to update or sync).
export function launchBrowser() {
  return chromium.launch({
    headless: true,
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

// Starts recording a page's troubles into page.problems (see below).
export function watchPage(page) {
  const problems = { pageErrors: [], consoleErrors: [], failedRequests: [], serverErrors: [] };
  page.problems = problems;
  page.on('pageerror', (e) => problems.pageErrors.push(e.stack || String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.consoleErrors.push(m.text());
  });
  page.on('requestfailed', (r) =>
    problems.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`),
  );
  page.on('response', (r) => {
    if (r.status() >= 500) problems.serverErrors.push(`${r.request().method()} ${r.url()}: ${r.status()}`);
  });
  return page;
}

// A new isolated browser context (its own cookies) at 1280x800 with one watched page.
export async function newPage(browser, { baseURL, viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ baseURL, viewport });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  return watchPage(await context.newPage());
}

// Text for the test log: everything recorded on a page.
export function describeProblems(page) {
  const p = page.problems;
  if (!p) return '';
  const parts = [];
  if (p.pageErrors.length) parts.push(`uncaught page errors:\n  ${p.pageErrors.join('\n  ')}`);
  if (p.serverErrors.length) parts.push(`server errors (5xx):\n  ${p.serverErrors.join('\n  ')}`);
  if (p.consoleErrors.length) parts.push(`console errors:\n  ${p.consoleErrors.join('\n  ')}`);
  if (p.failedRequests.length) parts.push(`failed requests:\n  ${p.failedRequests.join('\n  ')}`);
  return parts.join('\n');
}

// Throws when the page had an uncaught error or a 5xx answer: each is a bug whatever the test
// checked. Console errors and failed requests (a 401 before login logs one) are only reported.
export function assertNoPageErrors(page) {
  const p = page.problems;
  if (p && (p.pageErrors.length || p.serverErrors.length)) {
    throw new Error(`the page went wrong:\n${describeProblems(page)}`);
  }
}
