import fs from 'node:fs';
import path from 'node:path';
import type { LogFields, LoggerPort } from '../core/ports.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

export interface LoggerOptions {
  /** Directory for standby.log; when omitted the logger writes to the console only. */
  logDir?: string;
  now?: () => Date;
  console?: Pick<Console, Level>;
}

/**
 * Console plus one JSON-lines file. The file is what an operator sends us after a bad night, so it
 * is appended to (never rotated away at startup) and a failing disk never takes the app down.
 */
export function createLogger(options: LoggerOptions = {}): LoggerPort & { close(): void } {
  const now = options.now ?? (() => new Date());
  const out = options.console ?? console;
  let file: fs.WriteStream | undefined;
  if (options.logDir) {
    try {
      fs.mkdirSync(options.logDir, { recursive: true });
      file = fs.createWriteStream(path.join(options.logDir, 'standby.log'), { flags: 'a' });
      file.on('error', (error) => { out.error('Log file write failed; logging to the console only.', error); file = undefined; });
    } catch (error) {
      out.error('Could not open the log file; logging to the console only.', error);
    }
  }
  const write = (level: Level) => (message: string, fields?: LogFields) => {
    const time = now().toISOString();
    if (fields === undefined) out[level](`${time} ${level} ${message}`);
    else out[level](`${time} ${level} ${message}`, fields);
    file?.write(`${safeJson({ time, level, message, ...fields })}\n`);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    close() { file?.end(); file = undefined; },
  };
}

/** Errors and cycles must not make a log line throw. */
function safeJson(value: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack };
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[cycle]';
      seen.add(v);
    }
    return v;
  });
}
