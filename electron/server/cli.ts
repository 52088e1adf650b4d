import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/core.ts';
import { memorySecrets, systemClock } from '../core/ports.ts';
import { newToken, pinnedTokenProblem } from './access-tokens.ts';
import { consoleLinks } from './console-links.ts';
import { parseCliOptions, USAGE } from './cli-options.ts';
import { createConfSettings } from './conf-settings.ts';
import { createConsoleLogger } from './console-logger.ts';
import { startServer } from './server.ts';
import { runTokenCommand } from './token-command.ts';
import { tokenFile, TokenRegistry } from './token-registry.ts';
import { chromiumPdfPrinter } from './chromium-pdf.ts';
import { drillCommand } from './drill-command.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `npm run serve`: the core and the console in any browser. Prints the links on stdout. */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'token') {
    const out = runTokenCommand(argv.slice(1));
    process.stdout.write(out.stdout);
    process.stderr.write(out.stderr);
    process.exit(out.code);
  }
  if (argv[0] === 'drill' || argv[0] === 'verify') {
    process.exitCode = await drillCommand(argv);
    return;
  }
  if (argv[0] === 'serve') argv = argv.slice(1);
  let options;
  try {
    options = parseCliOptions(argv, ROOT);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  for (const variable of ['STANDBY_TOKEN', 'STANDBY_VIEWER_TOKEN'] as const) {
    const pinned = process.env[variable];
    const problem = pinned ? pinnedTokenProblem(variable, pinned) : null;
    if (problem) {
      process.stderr.write(`Standby did not start: ${problem}\n`);
      process.exit(2);
    }
  }
  const issued = new TokenRegistry(tokenFile(options.dataDir));
  try {
    issued.list();
  } catch (error) {
    process.stderr.write(`Standby did not start: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger = createConsoleLogger(process.env.STANDBY_LOG_LEVEL === 'debug' ? 'debug' : 'info');
  if (options.host !== '127.0.0.1' && options.host !== 'localhost' && options.host !== '::1') {
    logger.warn(`Listening on ${options.host}: anyone who can reach this address and has a link can use the console.`);
  }
  const printPdf = await chromiumPdfPrinter();
  const core = await createCore({
    settings: createConfSettings(options.dataDir, logger),
    secrets: memorySecrets(),
    clock: systemClock,
    logger,
    dataDir: options.dataDir,
    ...(printPdf ? { printPdf } : {}),
  });
  const tokens = {
    operator: process.env.STANDBY_TOKEN || newToken(),
    viewer: options.viewer ? process.env.STANDBY_VIEWER_TOKEN || newToken() : null,
    issued,
  };
  let server;
  try {
    server = await startServer({ core, host: options.host, port: options.port, staticDir: options.staticDir, tokens, logger, allowedHosts: options.allowedHosts });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? `port ${options.port} is already in use (try --port 0 or another number)` : (error as Error).message;
    process.stderr.write(`Standby could not start its server: ${reason}.\n`);
    await core.dispose();
    process.exit(1);
  }
  process.stdout.write(consoleLinks(server.origin, tokens, options.wall));

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await server.close();
    await core.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
