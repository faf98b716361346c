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

// Saves NAME.png at 1280x800 and, with { mobile: true }, NAME.mobile.png at 390x844 too
// (the page's viewport is put back afterwards). Full page unless { fullPage: false }.
// Returns the paths written.
export async function shot(page, name, { mobile = false, fullPage = true } = {}) {
  const dir = screenshotDir();
  const paths = [];
  const original = page.viewportSize();
  try {
    await page.setViewportSize(DESKTOP);
    const desktop = join(dir, `${fileName(name)}.png`);
    await page.screenshot({ path: desktop, fullPage });
    paths.push(desktop);
    if (mobile) {
      await page.setViewportSize(MOBILE);
      const phone = join(dir, `${fileName(name)}.mobile.png`);
      await page.screenshot({ path: phone, fullPage });
      paths.push(phone);
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
  return paths;
}
