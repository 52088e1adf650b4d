import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../../shared/contract/channels.ts';

export interface AccessTokens {
  operator: string;
  /** Present only when the server was started with --viewer. */
  viewer: string | null;
  /** Tokens issued to named people (token-registry.ts): who a presented token belongs to. */
  issued?: {
    identify(presented: string): { name: string; role: Role } | null;
    /** Tells when tokens may have been revoked; answers a function that stops telling. */
    watch?(onChange: () => void): () => void;
  };
}

/** Who connected: the role the token grants and the name its actions are recorded under. */
export interface TokenHolder {
  role: Role;
  /** The person's name for an issued token; for the start-up links, which token it was. */
  name: string;
  /** False for the start-up links' tokens, which anyone holding the link may use. */
  named: boolean;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** What a pinned token must carry at least, as a random one does (192 bits). */
export const MIN_TOKEN_BITS = 128;

/**
 * Why a token given in the environment is too weak, or null. Its entropy is estimated as if each
 * character were drawn at random from the classes it uses (lower case, upper case, digits, other):
 * an upper bound, so a token refused here is certainly too weak; "password123" is.
 */
export function pinnedTokenProblem(variable: string, token: string): string | null {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];
  const sizes = [26, 26, 10, 33];
  const alphabet = classes.reduce((n, re, i) => n + (re.test(token) ? sizes[i]! : 0), 0);
  const distinct = new Set(token).size;
  const bits = Math.floor(token.length * Math.log2(Math.max(2, Math.min(alphabet, distinct * 4))));
  if (bits >= MIN_TOKEN_BITS) return null;
  return `${variable} is too weak to guard the console (about ${bits} bits; at least ${MIN_TOKEN_BITS} are needed). `
    + 'Leave it unset for a random token on each start, or pin one made by: node -e "console.log(require(\'crypto\').randomBytes(24).toString(\'base64url\'))"';
}

/**
 * Who holds a presented token: a person it was issued to, or the start-up link's token (recorded as
 * "operator token" / "viewer token": nobody in particular). Null when it grants nothing.
 */
export function holderOfToken(tokens: AccessTokens, presented: string | null): TokenHolder | null {
  if (!presented) return null;
  if (matches(tokens.operator, presented)) return { role: 'operator', name: 'operator token', named: false };
  if (tokens.viewer && matches(tokens.viewer, presented)) return { role: 'viewer', name: 'viewer token', named: false };
  const person = tokens.issued?.identify(presented) ?? null;
  return person ? { ...person, named: true } : null;
}

function matches(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
