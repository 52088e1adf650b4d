import type { LogFields, LoggerPort } from '../core/ports.ts';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/** Logs to stderr so stdout stays for the URLs a user or a test reads. */
export function createConsoleLogger(minimum: Level = 'info'): LoggerPort {
  const floor = LEVELS.indexOf(minimum);
  const write = (level: Level) => (message: string, fields?: LogFields) => {
    if (LEVELS.indexOf(level) < floor) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}${extra}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
