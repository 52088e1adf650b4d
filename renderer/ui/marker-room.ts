import type { CSSProperties } from 'react';

/**
 * Room for the markers of an <ol> of `count` items: its longest number, the dot and a gap. A fixed
 * padding fitted "9." and cut "10." to "0." (a rolling plan of 12 nodes, a drain of 20 VMs).
 */
export function markerRoom(count: number): CSSProperties {
  const digits = String(Math.max(1, Math.floor(count))).length;
  return { paddingInlineStart: `${(digits * 0.6 + 1).toFixed(1)}em` };
}
