import { useEstate } from '../platform/services-context.tsx';
import { useUi } from '../platform/ui-store.ts';
import { SITE_ROLE_LABEL } from '../ui/hyperv-labels.ts';
import type { Site } from '../../shared/model/estate.ts';

const ROLE_ORDER: Record<Site['role'], number> = { primary: 0, dr: 1, cloud: 2 };

export function SiteSwitcher() {
  const sitesTable = useEstate((s) => s.snapshot?.sites);
  const siteId = useUi((s) => s.siteId);
  const setSite = useUi((s) => s.setSite);
  const sites = Object.values(sitesTable ?? {}).sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.name.localeCompare(b.name));
  // A remembered site that no longer exists (another estate, another seed) falls back to all sites.
  const value = siteId !== null && sitesTable?.[siteId] ? siteId : '';
  return (
    <label className="site-switcher">
      <span className="visually-hidden">Site</span>
      <select
        data-testid="site-switcher"
        aria-label="Site"
        value={value}
        disabled={!sitesTable}
        onChange={(e) => setSite(e.target.value === '' ? null : e.target.value)}
      >
        <option value="">All sites</option>
        {sites.map((site) => (
          <option key={site.id} value={site.id}>{`${site.name} — ${SITE_ROLE_LABEL[site.role]}`}</option>
        ))}
      </select>
    </label>
  );
}
