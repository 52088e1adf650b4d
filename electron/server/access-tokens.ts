import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../../shared/contract/channels.ts';

export interface AccessTokens {
  operator: string;
  /** Present only when the server was started with --viewer. */
  viewer: string | null;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The role a presented token grants, compared in constant time; null when it grants nothing. */
export function roleForToken(tokens: AccessTokens, presented: string | null): Role | null {
  if (!presented) return null;
  if (matches(tokens.operator, presented)) return 'operator';
  if (tokens.viewer && matches(tokens.viewer, presented)) return 'viewer';
  return null;
}

function matches(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
