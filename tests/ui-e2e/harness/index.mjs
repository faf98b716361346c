// One import for browser tests: a server and a browser per test file, and `test` that gives
// each test a fresh page (own cookies), fails it on uncaught page errors or 5xx answers, and
// saves a FAILED-<name>.png and the logs when it fails.
import { after, before, test as nodeTest } from 'node:test';

import { assertNoPageErrors, describeProblems, launchBrowser, newPage } from './browser.mjs';
import { shot } from './screenshots.mjs';
import { startServer } from './server.mjs';

export * from './browser.mjs';
export * from './screenshots.mjs';
export * from './server.mjs';
export * from './ui.mjs';

const LOG_TAIL = 6000;

// Registers before/after hooks in the calling file (or describe) that start a server with
// startServer(options) and a browser, and stop both (and remove the data folder) at the end,
// failure or not. Returns { server, browser, ready, test }; server and browser are set once
// `ready` has resolved. Node 20 runs a file's top-level before() hooks concurrently, so a
// hook of the test file that needs the server must `await mm.ready` first.
export function useMailmark(options = {}) {
  let settle;
  const ready = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  ready.catch(() => {}); // the before hook reports the failure; nobody has to await this
  const fx = { server: null, browser: null, ready };
  before(async () => {
    try {
      fx.server = await startServer(options);
      fx.browser = await launchBrowser();
      settle.resolve(fx);
    } catch (e) {
      settle.reject(e);
      throw e;
    }
  });
  after(async () => {
    try {
      if (fx.browser) await fx.browser.close();
    } finally {
      if (fx.server) await fx.server.stop();
    }
  });

  // test(name, [options], async ({ page, server, shot, newPage, t }) => { ... })
  fx.test = (name, opts, fn) => {
    if (typeof opts === 'function') [fn, opts] = [opts, {}];
    return nodeTest(name, opts, async (t) => {
      const pages = [];
      const open = async () => {
        const p = await newPage(fx.browser, { baseURL: fx.server.url });
        pages.push(p);
        return p;
      };
      const page = await open();
      try {
        await fn({
          page,
          server: fx.server,
          browser: fx.browser,
          shot: (shotName, o) => shot(page, shotName, o),
          newPage: open,
          t,
        });
        for (const p of pages) assertNoPageErrors(p);
      } catch (e) {
        // One diagnostic per line: the TAP reporter escapes newlines inside one.
        const say = (text) => text.split('\n').forEach((line) => t.diagnostic(line));
        try {
          const [path] = await shot(page, `FAILED-${t.name}`);
          say(`screenshot of the failure: ${path}`);
        } catch {
          // the page may be gone; the error below matters more
        }
        for (const p of pages) {
          const problems = describeProblems(p);
          if (problems) say(`${p.url()}\n${problems}`);
        }
        say(`mailmark output (end):\n${fx.server.output().slice(-LOG_TAIL)}`);
        throw e;
      } finally {
        await Promise.all(pages.map((p) => p.context().close().catch(() => {})));
      }
    });
  };
  return fx;
}
