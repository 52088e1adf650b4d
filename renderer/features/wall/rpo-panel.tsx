import { useStore } from 'zustand';
import { formatDuration } from '../../../shared/format/duration.ts';
import { RPO_TARGET_SEC_BY_TIER } from '../../../shared/model/rpo.ts';
import { useStoreOf } from '../../platform/services-context.tsx';
import { StatusGlyph, type Tone } from '../../ui/status-glyph.tsx';
import { replicationStores } from '../replication/replication-store.ts';

/** RPO compliance per tier and the worst lag, as the core's replication summary states them. */
export function RpoPanel() {
  const summary = useStore(useStoreOf(replicationStores).store, (s) => s.summary);
  return (
    <section className="wall-panel wall-rpo" aria-label="RPO compliance" data-testid="wall-rpo">
      <h2>RPO compliance</h2>
      {!summary ? <p className="muted">Waiting for the replication summary…</p> : (
        <>
          <ul className="rpo-tiers">
            {summary.byTier.map((t) => {
              const tone = complianceTone(t.pctWithinRpo);
              return (
                <li key={t.tier} data-testid={`rpo-tier-${t.tier}`} data-pct={t.pctWithinRpo}>
                  <span className="rpo-tier-name">Tier {t.tier} <span className="muted">≤ {formatDuration(RPO_TARGET_SEC_BY_TIER[t.tier])}</span></span>
                  <span className={`rpo-bar tone-${tone}`} aria-hidden="true"><span style={{ width: `${t.pctWithinRpo}%` }} /></span>
                  <span className="rpo-pct num"><StatusGlyph tone={tone} /> {formatPct(t.pctWithinRpo)}</span>
                  <span className="rpo-count num muted">{t.withinRpo}/{t.protectedVms}</span>
                </li>
              );
            })}
          </ul>
          <p className="rpo-worst" data-testid="wall-worst-lag">
            Worst lag{' '}
            {summary.worstLag
              ? <><b className="num">{formatDuration(summary.worstLag.lagSec)}</b> <span className="rpo-worst-vm">{summary.worstLag.vmName}</span></>
              : <span className="muted">none</span>}
          </p>
        </>
      )}
    </section>
  );
}

function complianceTone(pct: number): Tone {
  if (pct >= 100) return 'ok';
  return pct >= 90 ? 'warn' : 'crit';
}

function formatPct(pct: number): string {
  return pct >= 99.95 || pct === 0 ? `${Math.round(pct)}%` : `${pct.toFixed(1)}%`;
}
