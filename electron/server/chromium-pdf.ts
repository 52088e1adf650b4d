import { existsSync } from 'node:fs';
import type * as PlaywrightCore from 'playwright-core';
import type { PdfPrinter } from '../core/ports.ts';

/** Flags Chromium needs as root in a container, and to stay off Google's network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/**
 * Chromium's print engine (page.pdf, playwright.dev/docs/api/class-page#page-pdf) for the evidence
 * report: CHROMIUM_PATH, Playwright's own Chromium, then the system's. Null when none is installed:
 * the pack then carries the HTML alone and says why there is no PDF.
 */
export async function chromiumPdfPrinter(): Promise<PdfPrinter | null> {
  let playwright: typeof PlaywrightCore;
  try {
    playwright = await import('playwright-core');
  } catch {
    return null;
  }
  const own = (() => { try { return playwright.chromium.executablePath(); } catch { return undefined; } })();
  const executablePath = [process.env.CHROMIUM_PATH, own, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
    .find((candidate) => candidate && existsSync(candidate));
  if (!executablePath) return null;
  return async (html) => {
    const browser = await playwright.chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true,
        headerTemplate: '<span></span>', footerTemplate: '<div style="font-size:7pt;width:100%;text-align:center;color:#6b7686">page <span class="pageNumber"></span> of <span class="totalPages"></span></div>' });
    } finally {
      await browser.close();
    }
  };
}
