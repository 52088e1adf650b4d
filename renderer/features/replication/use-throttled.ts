import { useEffect, useRef, useState } from 'react';

/**
 * The value, but changing at most once per `intervalMs`: the grid repaints nearly every visible
 * row on each estate change at high lab speeds, and once a second is as fast as anyone reads it.
 * The first value and a change from undefined show at once.
 */
export function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const lastAt = useRef(0);
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = shown === undefined ? 0 : lastAt.current + intervalMs - performance.now();
    if (wait <= 0) {
      lastAt.current = performance.now();
      setShown(value);
      return;
    }
    const timer = setTimeout(() => { lastAt.current = performance.now(); setShown(latest.current); }, wait);
    return () => clearTimeout(timer);
  }, [value, shown, intervalMs]);
  return shown;
}
