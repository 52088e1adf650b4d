import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { RoleSchema, type Role } from '../../shared/contract/channels.ts';
import { plainText } from '../../shared/model/name-text.ts';
import { rewriteFile } from '../core/journal/rewrite-file.ts';
import { newToken } from './access-tokens.ts';

/**
 * Access tokens issued to named people (`npm run serve -- token add "A. Nurse" --role operator`).
 * Only a SHA-256 of each token is kept: a token is 192 random bits, so a fast hash is as strong as a
 * slow one here (nothing to brute-force), and whoever reads the data folder cannot use the file.
 */
export const IssuedTokenSchema = z.object({
  /** Short, shown by `token list` and accepted by `token revoke`. */
  id: z.string().regex(/^[a-f0-9]{8}$/),
  name: plainText(200, 1),
  role: RoleSchema,
  /** hex SHA-256 of the token. */
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  issuedAt: z.number(),
  revokedAt: z.number().nullable(),
});
export type IssuedToken = z.infer<typeof IssuedTokenSchema>;

const PersonName = plainText(200, 1);
const TokenFileSchema = z.object({ version: z.literal(1), tokens: z.array(IssuedTokenSchema) });

export function tokenFile(dataDir: string): string {
  return join(dataDir, 'access-tokens.json');
}

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The person a presented token names, or null; every live entry is compared, in constant time each. */
export function personForToken(issued: readonly IssuedToken[], presented: string): { name: string; role: Role } | null {
  const digest = Buffer.from(sha256(presented), 'hex');
  let found: IssuedToken | null = null;
  for (const entry of issued) {
    if (entry.revokedAt === null && timingSafeEqual(Buffer.from(entry.sha256, 'hex'), digest)) found = entry;
  }
  return found ? { name: found.name, role: found.role } : null;
}

/**
 * The tokens file of one data folder. Read again on every use, so a token added or revoked from
 * another terminal counts on the running server's next connection. A damaged file is an error that
 * names the file and the problem, never an empty list (which would silently lock everyone out).
 */
export class TokenRegistry {
  readonly file: string;
  private readonly now: () => number;

  constructor(file: string, now: () => number = Date.now) {
    this.file = file;
    this.now = now;
  }

  list(): IssuedToken[] {
    if (!existsSync(this.file)) return [];
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (error) {
      throw new Error(`${this.file} is not valid JSON (${(error as Error).message}); fix or remove it, then issue the tokens again.`, { cause: error });
    }
    const parsed = TokenFileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${this.file}: ${issue.path.join('.') || '(top)'}: ${issue.message}; fix or remove it, then issue the tokens again.`);
    }
    return parsed.data.tokens;
  }

  /** Issues a token to a person; the token itself is returned once and never stored. */
  add(name: string, role: Role): { entry: IssuedToken; token: string } {
    const trimmed = name.trim();
    if (!trimmed) throw new Error('token add needs the name of the person the token is for, e.g. token add "A. Nurse" --role operator.');
    if (!PersonName.safeParse(trimmed).success) throw new Error('The name must be at most 200 characters, without control characters.');
    const tokens = this.list();
    if (tokens.some((t) => t.revokedAt === null && t.name.toLowerCase() === trimmed.toLowerCase())) {
      throw new Error(`"${trimmed}" already holds a live token; revoke it first (token revoke "${trimmed}") so every action has one owner.`);
    }
    const token = newToken();
    let id = randomBytes(4).toString('hex');
    while (tokens.some((t) => t.id === id)) id = randomBytes(4).toString('hex');
    const entry: IssuedToken = { id, name: trimmed, role, sha256: sha256(token), issuedAt: this.now(), revokedAt: null };
    this.write([...tokens, entry]);
    return { entry, token };
  }

  /** Revokes by id or by name (case-insensitive); the entry stays listed, revoked, for the record. */
  revoke(idOrName: string): IssuedToken {
    const tokens = this.list();
    const key = idOrName.trim().toLowerCase();
    const live = tokens.filter((t) => t.revokedAt === null && (t.id === key || t.name.toLowerCase() === key));
    if (live.length === 0) throw new Error(`No live token has the id or name "${idOrName}" (see token list).`);
    const at = this.now();
    this.write(tokens.map((t) => (t === live[0] ? { ...t, revokedAt: at } : t)));
    return { ...live[0]!, revokedAt: at };
  }

  /** Who a presented token belongs to; null when it is no live issued token. */
  identify(presented: string): { name: string; role: Role } | null {
    return personForToken(this.list(), presented);
  }

  /**
   * Calls `onChange` after the file changes (a token revoked from another terminal), polled every
   * `intervalMs`: the running server then closes connections whose token no longer opens one.
   */
  watch(onChange: () => void, intervalMs = 1000): () => void {
    const listener = () => onChange();
    watchFile(this.file, { interval: intervalMs, persistent: false }, listener);
    return () => unwatchFile(this.file, listener);
  }

  private write(tokens: IssuedToken[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    rewriteFile(this.file, `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`);
  }
}
