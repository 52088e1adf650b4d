import { formatBytes } from '../../../shared/format/bytes.ts';
import { formatDuration } from '../../../shared/format/duration.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useReplication } from './use-replication.ts';
import { useReplicationUi } from './replication-ui-store.ts';

/** Counts, RPO compliance per tier, worst lag, WAN throughput: as the core computed them. */
export function SummaryStrip() {
  const summary = useReplication((s) => s.summary);
  const error = useReplication((s) => s.summaryError);
  const setFilter = useReplicationUi((s) => s.setFilter);
  const openDrawer = useReplicationUi((s) => s.openDrawer);
  if (!summary) {
    return <section className="summary-strip" data-testid="replication-summary" aria-label="Replication summary"><span className="muted">{error ? `Summary unavailable: ${error}` : 'Loading the replication summary…'}</span></section>;
  }
  const h = summary.byHealth;
  return (
    <section className="summary-strip" data-testid="replication-summary" aria-label="Replication summary">
      <div className="summary-block">
        <span className="summary-key">Protected VMs</span>
        <span className="summary-big num">{summary.protectedVms.toLocaleString()}</span>
      </div>
      <div className="summary-block summary-health" role="group" aria-label="Replication health">
        <HealthCount tone="ok" label="Normal" n={h.Normal} onClick={() => setFilter({ health: 'Normal' })} />
        <HealthCount tone="warn" label="Warning" n={h.Warning} onClick={() => setFilter({ health: 'Warning' })} />
        <HealthCount tone="crit" label="Critical" n={h.Critical} onClick={() => setFilter({ health: 'Critical' })} />
        {h.NotApplicable > 0 ? <HealthCount tone="none" label="Not applicable" n={h.NotApplicable} onClick={() => setFilter({ health: 'NotApplicable' })} /> : null}
      </div>
      <div className="summary-block summary-rpo" role="group" aria-label="Within RPO per tier">
        <span className="summary-key">Within RPO</span>
        {summary.byTier.map((t) => (
          <span key={t.tier} className={`rpo-tier${t.pctWithinRpo < 100 ? ' is-short' : ''}`} data-testid={`rpo-tier-${t.tier}`} title={`Tier ${t.tier}: ${t.withinRpo} of ${t.protectedVms} VMs within their RPO`}>
            <b>T{t.tier}</b> <span className="num">{formatPct(t.pctWithinRpo)}</span>
            <span className="muted num"> {t.withinRpo}/{t.protectedVms}</span>
          </span>
        ))}
      </div>
      <div className="summary-block">
        <span className="summary-key">Worst lag</span>
        {summary.worstLag ? (
          <button type="button" className="link-button summary-value num" onClick={() => openDrawer(summary.worstLag!.vmId)} title="Open this VM's details">
            {formatDuration(summary.worstLag.lagSec)} · {summary.worstLag.vmName}
          </button>
        ) : <span className="summary-value muted">—</span>}
      </div>
      <div className="summary-block">
        <span className="summary-key">Pending</span>
        <span className="summary-value num">{formatBytes(summary.pendingBytes)}</span>
      </div>
      <div className="summary-block">
        <span className="summary-key">WAN throughput</span>
        <span className="summary-value num" data-testid="wan-throughput">{formatBits(summary.wanThroughputBitsPerSec)}</span>
      </div>
    </section>
  );
}

function HealthCount({ tone, label, n, onClick }: { tone: 'ok' | 'warn' | 'crit' | 'none'; label: string; n: number; onClick(): void }) {
  return (
    <button type="button" className={`health-count health-count-${tone}${n > 0 && tone !== 'ok' ? ' is-lit' : ''}`} onClick={onClick} title={`Show only ${label}`} data-testid={`summary-${label.toLowerCase().replace(/\s/g, '-')}`}>
      <StatusGlyph tone={tone} /> <b className="num">{n.toLocaleString()}</b> {label}
    </button>
  );
}

function formatPct(pct: number): string {
  return pct >= 99.95 || pct === 0 ? `${Math.round(pct)}%` : `${pct.toFixed(1)}%`;
}

const BIT_UNITS = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
/** Network speeds in decimal units, as link speeds are sold: 640 Mbit/s. */
export function formatBits(bitsPerSec: number): string {
  let v = bitsPerSec;
  let u = 0;
  while (v >= 1000 && u < BIT_UNITS.length - 1) { v /= 1000; u++; }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${BIT_UNITS[u]}`;
}
