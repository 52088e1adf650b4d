import { useEffect, useState } from 'react';

function readRemPx(): number {
  if (typeof document === 'undefined') return 14;
  return parseFloat(getComputedStyle(document.documentElement).fontSize) || 14;
}

/**
 * The root font size in px. It grows with the viewport on wall displays (tokens.css), and the
 * virtualizer needs row heights in px, so it is re-read on resize.
 */
export function useRemPx(): number {
  const [px, setPx] = useState(readRemPx);
  useEffect(() => {
    const update = () => setPx(readRemPx());
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, []);
  return px;
}
