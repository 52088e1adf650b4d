import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface CliOptions {
  host: string;
  port: number;
  viewer: boolean;
  /** Print the NOC wall's link (read-only; implies viewer). */
  wall: boolean;
  dataDir: string;
  staticDir: string;
  /** Host names browsers may use besides loopback and --host (a DNS name of this machine). */
  allowedHosts: string[];
  help: boolean;
}

export const USAGE = `Usage: npm run serve -- [--port N] [--host ADDRESS] [--viewer] [--wall] [--data-dir DIR]

  --port N        TCP port (default 4280; 0 picks a free one)
  --host ADDRESS  address to listen on (default 127.0.0.1; anything else exposes the console to the network)
  --viewer        also print a read-only link
  --wall          also print the NOC wall's link: a read-only full-screen view (implies --viewer)
  --data-dir DIR  where settings, runs and audit logs are kept (default ~/.standby)
  --allow-host NAME  a name browsers reach this machine by (repeatable); loopback and --host are always allowed

Tokens for named people: npm run serve -- token add "NAME" --role operator|signer|viewer (also token list, token revoke).
The start-up links' tokens are random on each start; set STANDBY_TOKEN / STANDBY_VIEWER_TOKEN (128 bits or more) to keep a link stable.`;

/** Parses the server's arguments; throws an Error whose message says which argument is wrong. */
export function parseCliOptions(argv: string[], root: string): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      viewer: { type: 'boolean' },
      wall: { type: 'boolean' },
      'data-dir': { type: 'string' },
      'static-dir': { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const port = values.port === undefined ? 4280 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535 (got "${values.port}").`);
  }
  return {
    host: values.host ?? '127.0.0.1',
    port,
    viewer: (values.viewer ?? false) || (values.wall ?? false),
    wall: values.wall ?? false,
    dataDir: resolve(values['data-dir'] ?? join(homedir(), '.standby')),
    staticDir: resolve(values['static-dir'] ?? join(root, 'dist', 'renderer')),
    allowedHosts: values['allow-host'] ?? [],
    help: values.help ?? false,
  };
}
