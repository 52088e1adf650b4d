import type { BrowserWindow as BrowserWindowType } from 'electron';
import type { PdfPrinter } from '../core/ports.ts';

/**
 * Electron's own print engine for the evidence report (webContents.printToPDF,
 * electronjs.org/docs/latest/api/web-contents#contentsprinttopdfoptions): a hidden window with
 * JavaScript off and no preload loads the self-contained HTML and prints it on A4.
 */
export function electronPdfPrinter(BrowserWindow: typeof BrowserWindowType): PdfPrinter {
  return async (html) => {
    const window = new BrowserWindow({ show: false, webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, disableBlinkFeatures: 'Auxclick' } });
    try {
      await window.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
      return new Uint8Array(await window.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true }));
    } finally {
      window.destroy();
    }
  };
}
