// Screenshots a person can look at: PNGs in MAILMARK_SCREENSHOT_DIR (default
// tests/ui-e2e/screenshots/, which git ignores).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DESKTOP, MOBILE } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export function screenshotDir() {
  const dir = resolve(process.env.MAILMARK_SCREENSHOT_DIR || join(here, '..', 'screenshots'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

function fileName(name) {
  return name.replace(/[^A-Za-z0-9._]+/g, '-').replace(/^-+|-+$/g, '');
}

// Chromium's full-page capture paints fixed layers (a modal's overlay, the header) and
// out-of-process iframes (the sandboxed email previews) only where the viewport is, leaving
// the rest grey or blank: a full-page shot instead grows the viewport to the page's height.
const MAX_HEIGHT = 12_000;

const nextFrame = (page) =>
  page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

async function capture(page, path, size, fullPage) {
  await page.setViewportSize(size);
  await nextFrame(page);
  if (fullPage) {
    // A taller viewport can change the height again (100vh, media queries): a few rounds.
    for (let round = 0; round < 3; round++) {
      const height = await page.evaluate(() =>
        Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),
      );
      const want = Math.min(Math.max(height, size.height), MAX_HEIGHT);
      if (want === page.viewportSize().height) break;
      await page.setViewportSize({ width: size.width, height: want });
      await nextFrame(page);
    }
  }
  // A resize can restart a transition (a modal fading in): finish them rather than catch one.
  await page.screenshot({ path, animations: 'disabled' });
}

// Saves NAME.png at 1280x800 and, with { mobile: true }, NAME.mobile.png at 390x844 too
// (the page's viewport is put back afterwards). Full page unless { fullPage: false }.
// Returns the paths written.
export async function shot(page, name, { mobile = false, fullPage = true } = {}) {
  const dir = screenshotDir();
  const paths = [];
  const original = page.viewportSize();
  try {
    const desktop = join(dir, `${fileName(name)}.png`);
    await capture(page, desktop, DESKTOP, fullPage);
    paths.push(desktop);
    if (mobile) {
      const phone = join(dir, `${fileName(name)}.mobile.png`);
      await capture(page, phone, MOBILE, fullPage);
      paths.push(phone);
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
  return paths;
}
