import { create } from 'zustand';

export const VIEWS = ['topology', 'replication', 'migrations', 'failover', 'drills', 'connections'] as const;
export type ViewId = (typeof VIEWS)[number];

export interface UiState {
  view: ViewId;
  /** Site the console is narrowed to; null is all sites. */
  siteId: string | null;
  setView(view: ViewId): void;
  setSite(siteId: string | null): void;
}

const SITE_KEY = 'standby.site';

function viewFromHash(): ViewId {
  if (typeof location === 'undefined') return 'topology';
  const name = location.hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(name) ? (name as ViewId) : 'topology';
}

function storedSite(): string | null {
  try { return typeof localStorage === 'undefined' ? null : localStorage.getItem(SITE_KEY); } catch { return null; }
}

/** View lives in the address (#/replication) so a wall display can be pointed at one view. */
export const useUi = create<UiState>((set) => ({
  view: viewFromHash(),
  siteId: storedSite(),
  setView(view) {
    if (typeof history !== 'undefined') history.replaceState(history.state, '', `#/${view}`);
    set({ view });
  },
  setSite(siteId) {
    try {
      if (siteId === null) localStorage.removeItem(SITE_KEY);
      else localStorage.setItem(SITE_KEY, siteId);
    } catch { /* not persisted */ }
    set({ siteId });
  },
}));

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => useUi.setState({ view: viewFromHash() }));
}
