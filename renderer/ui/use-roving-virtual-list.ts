import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRemPx } from './use-rem-px.ts';

export interface RovingVirtualListOptions {
  /** What is listed, in display order; each key is unique and appears in the row's `keyAttribute`. */
  items: readonly { key: string }[];
  /** The row holding the tab stop, if it is still listed (else the first row holds it). */
  focusedKey: string | null;
  focus(key: string): void;
  /** Row height in rem: rows grow with the root font size on wall displays. */
  rowRem: number;
  overscan: number;
  /** The DOM attribute each row carries its key in, to move keyboard focus to it. */
  keyAttribute: string;
  /** Focus this row once it is rendered: only a new request moves focus, never new items. */
  focusRequest?: { key: string; at: number } | null;
}

/**
 * A virtualized list with one tab stop (roving tabindex), as the topology tree and the replication
 * grid use it: only the rows on screen are in the DOM however long the list, the header row is the
 * scroll margin, and moving focus scrolls the row into view and focuses it once it is rendered.
 */
export function useRovingVirtualList({ items, focusedKey, focus, rowRem, overscan, keyAttribute, focusRequest = null }: RovingVirtualListOptions) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const remPx = useRemPx();
  const rowPx = Math.round(remPx * rowRem);
  /** Key to move DOM focus to after the next render (keyboard navigation only, never on data updates). */
  const pendingFocus = useRef<string | null>(null);

  const positions = useMemo(() => {
    const map = new Map<string, number>();
    items.forEach((it, i) => map.set(it.key, i));
    return map;
  }, [items]);
  const tabStopKey = focusedKey !== null && positions.has(focusedKey) ? focusedKey : items[0]?.key ?? null;

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowPx,
    overscan,
    getItemKey: (i) => items[i]?.key ?? i,
    scrollMargin: rowPx,
    scrollPaddingStart: rowPx,
  });
  useLayoutEffect(() => { virtualizer.measure(); }, [rowPx, virtualizer]);

  const moveFocus = useCallback((key: string) => {
    const at = positions.get(key);
    if (at === undefined) return;
    focus(key);
    pendingFocus.current = key;
    virtualizer.scrollToIndex(at, { align: 'auto' });
  }, [positions, focus, virtualizer]);

  useEffect(() => {
    if (focusRequest) moveFocus(focusRequest.key);
    // Only a new request moves focus, not a re-render with new rows: moveFocus is left out on purpose.
  }, [focusRequest]);

  useEffect(() => {
    const key = pendingFocus.current;
    if (key === null) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[${keyAttribute}="${CSS.escape(key)}"]`);
    if (el) {
      pendingFocus.current = null;
      el.focus({ preventScroll: true });
    }
  });

  return { scrollRef, rowPx, positions, tabStopKey, virtualizer, moveFocus };
}
