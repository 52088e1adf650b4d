import './status-glyph.css';

export type Tone = 'ok' | 'warn' | 'crit' | 'none' | 'info';

/**
 * Health is told by shape as well as colour, so it reads for colour-blind people and on a
 * washed-out wall display: circle with tick = fine, triangle = warning, octagon with cross = critical.
 */
export function StatusGlyph({ tone, label }: { tone: Tone; label?: string }) {
  return (
    <svg className={`glyph glyph-${tone}`} viewBox="0 0 16 16" role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : true} focusable="false">
      {label ? <title>{label}</title> : null}
      {tone === 'ok' && (<><circle cx="8" cy="8" r="7" className="glyph-fill" /><path d="M4.6 8.3l2.2 2.2 4.6-4.8" className="glyph-mark" /></>)}
      {tone === 'warn' && (<><path d="M8 1.2l7.2 13H0.8z" className="glyph-fill" /><path d="M8 5.8v4" className="glyph-mark" /><circle cx="8" cy="12.1" r="0.9" className="glyph-dot" /></>)}
      {tone === 'crit' && (<><path d="M5.1 1h5.8L15 5.1v5.8L10.9 15H5.1L1 10.9V5.1z" className="glyph-fill" /><path d="M5.5 5.5l5 5M10.5 5.5l-5 5" className="glyph-mark" /></>)}
      {tone === 'info' && (<><circle cx="8" cy="8" r="7" className="glyph-fill" /><path d="M8 7v4.5" className="glyph-mark" /><circle cx="8" cy="4.6" r="0.9" className="glyph-dot" /></>)}
      {tone === 'none' && (<><circle cx="8" cy="8" r="6" className="glyph-ring" /><path d="M5 8h6" className="glyph-ring" /></>)}
    </svg>
  );
}
