/**
 * The outside world the core is given. Electron main implements these with electron-store and
 * safeStorage; the browser server with conf and its own secret file; tests with in-memory fakes.
 */

export interface SettingsPort {
  /** The raw stored object, or undefined when nothing is stored yet. The core validates it. */
  read(): unknown;
  write(value: unknown): void;
}

export interface SecretPort {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export type TimerHandle = { readonly cancel: () => void };

export interface ClockPort {
  /** Wall-clock epoch ms. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export type LogFields = Record<string, unknown>;
export interface LoggerPort {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/**
 * Turns a self-contained HTML page into a PDF with a browser's print engine (Chromium headless in
 * the server, webContents.printToPDF in Electron). Absent: no PDF, the HTML stands alone.
 */
export type PdfPrinter = (html: string) => Promise<Uint8Array>;

export interface CorePorts {
  settings: SettingsPort;
  secrets: SecretPort;
  clock: ClockPort;
  logger: LoggerPort;
  /** Where runs, audit and drill journals live. Created if missing. */
  dataDir: string;
  printPdf?: PdfPrinter;
}

export const systemClock: ClockPort = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};

/**
 * Secrets in memory only. The server keeps them so: there is no OS keychain to protect them, and a
 * password must never be written in plain text. Credentials are entered again after a restart.
 * Tests and benchmarks use it too.
 */
export function memorySecrets(): SecretPort {
  const values = new Map<string, string>();
  return {
    get: async (name) => values.get(name) ?? null,
    set: async (name, value) => { values.set(name, value); },
    delete: async (name) => { values.delete(name); },
  };
}
