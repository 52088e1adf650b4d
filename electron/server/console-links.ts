import type { AccessTokens } from './access-tokens.ts';

/** The renderer's NOC wall route (renderer/features/wall/wall-route.ts). */
export const WALL_ROUTE = '/wall';

/**
 * What `npm run serve` prints, in one write so a reader of stdout sees every link at once. The wall
 * link carries the viewer token: the wall is read-only because the server refuses that token every
 * operate channel, whatever the page does.
 */
export function consoleLinks(origin: string, tokens: AccessTokens, wall: boolean): string {
  let text = `Standby is running. Open the console:\n  operator: ${origin}/?token=${tokens.operator}\n`;
  if (tokens.viewer) text += `  viewer (read-only): ${origin}/?token=${tokens.viewer}\n`;
  if (wall && tokens.viewer) text += `  NOC wall (read-only): ${origin}${WALL_ROUTE}?token=${tokens.viewer}\n`;
  return text;
}
