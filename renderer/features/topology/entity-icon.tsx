import type { NodeKind } from './flatten-tree.ts';

/** Small outline icons so the level of a row is visible without reading its indentation. */
export function EntityIcon({ kind }: { kind: NodeKind }) {
  return (
    <svg className={`entity-icon entity-icon-${kind}`} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {kind === 'site' && <path d="M2 14V6l4-3 4 3v8M10 14V8h4v6M1 14h14M5 9h2M5 11.5h2" />}
      {kind === 'cluster' && <path d="M3 3.5h10v3H3zM3 9.5h10v3H3zM5 5h.01M5 11h.01M8 6.5v3" />}
      {kind === 'host' && <path d="M2.5 3h11v4h-11zM2.5 9h11v4h-11zM4.5 5h.01M4.5 11h.01M8 5h3.5M8 11h3.5" />}
      {kind === 'vm' && <path d="M2 3.5h12v8H2zM2 5.5h12M6 14h4M8 11.5V14" />}
    </svg>
  );
}
