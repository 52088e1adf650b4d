import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RoleSchema } from '../../shared/contract/channels.ts';
import { tokenFile, TokenRegistry } from './token-registry.ts';

export const TOKEN_USAGE = `Usage: npm run serve -- token add "NAME" --role operator|signer|viewer [--data-dir DIR]
       npm run serve -- token list [--data-dir DIR]
       npm run serve -- token revoke ID|"NAME" [--data-dir DIR]

Each token is issued to one named person: what they do is recorded under their name in the audit log,
the run journal and drill sign-offs. The token is printed once; only a hash of it is kept, in
DIR/access-tokens.json. A running server takes additions and revocations on the next connection.`;

export interface CommandOutput { code: number; stdout: string; stderr: string }

/** `npm run serve -- token ...` (argv without "token"); never throws: a wrong argument is exit code 2 with why. */
export function runTokenCommand(argv: string[], now: () => number = Date.now): CommandOutput {
  let values: { role?: string; 'data-dir'?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { role: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    return { code: 2, stdout: '', stderr: `${(error as Error).message}\n\n${TOKEN_USAGE}\n` };
  }
  if (values.help) return { code: 0, stdout: `${TOKEN_USAGE}\n`, stderr: '' };
  const [verb, ...rest] = positionals;
  const registry = new TokenRegistry(tokenFile(resolve(values['data-dir'] ?? join(homedir(), '.standby'))), now);
  const wrong = (message: string): CommandOutput => ({ code: 2, stdout: '', stderr: `${message}\n\n${TOKEN_USAGE}\n` });
  try {
    switch (verb) {
      case 'add': {
        if (rest.length !== 1) return wrong(`token add takes one name, in quotes when it has spaces (got ${rest.length}).`);
        if (values.role === undefined) return wrong('token add needs --role operator, --role signer (drill sign-offs only) or --role viewer.');
        const role = RoleSchema.safeParse(values.role);
        if (!role.success) return wrong(`--role must be operator, signer or viewer (got "${values.role}").`);
        const { entry, token } = registry.add(rest[0]!, role.data);
        return {
          code: 0, stderr: '',
          stdout: `Issued token ${entry.id} to ${entry.name} (${entry.role}). It is shown only now; hand it over privately:\n  ${token}\n`
            + `Open the console with it as ?token=… on the console's address (the links npm run serve prints).\n`,
        };
      }
      case 'list': {
        if (rest.length > 0) return wrong('token list takes no other argument.');
        const tokens = registry.list();
        if (tokens.length === 0) return { code: 0, stdout: `No tokens issued yet (${registry.file}).\n`, stderr: '' };
        const lines = tokens.map((t) => `${t.id}  ${t.role.padEnd(8)}  ${t.revokedAt === null ? 'live   ' : 'revoked'}  ${new Date(t.issuedAt).toISOString().slice(0, 16).replace('T', ' ')}  ${t.name}`);
        return { code: 0, stdout: `id        role      state    issued (UTC)      name\n${lines.join('\n')}\n`, stderr: '' };
      }
      case 'revoke': {
        if (rest.length !== 1) return wrong('token revoke takes one id or name.');
        const revoked = registry.revoke(rest[0]!);
        return { code: 0, stdout: `Revoked token ${revoked.id} of ${revoked.name}; it opens no new connection from now on.\n`, stderr: '' };
      }
      default:
        return wrong(verb === undefined ? 'token needs add, list or revoke.' : `token has no command "${verb}" (add, list or revoke).`);
    }
  } catch (error) {
    return { code: 1, stdout: '', stderr: `${(error as Error).message}\n` };
  }
}
