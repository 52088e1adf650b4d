import { lazy, Suspense, useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { Replication } from '../../../shared/model/estate.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
import { formatAgo, formatDuration } from '../../../shared/format/duration.ts';
import { useEstate } from '../../platform/services-context.tsx';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { HEALTH_LABEL, HEALTH_TONE, splitWords } from '../../ui/hyperv-labels.ts';
import { useAlerts } from '../alerts/use-alerts.ts';
import { useLab } from '../lab/use-lab.ts';
import type { ReplicationRow } from './replication-rows.ts';
import { useReplicationUi } from './replication-ui-store.ts';

// recharts is most of the console's code; a first paint of the grid should not wait to compile it.
const HistoryCharts = lazy(() => import('./history-charts.tsx'));

/** The VM's replication in detail: settings, recovery points, history, its alerts and lab events. */
export function VmDrawer({ row, now }: { row: ReplicationRow | undefined; now: number }) {
  const drawerId = useReplicationUi((s) => s.drawerId);
  const openDrawer = useReplicationUi((s) => s.openDrawer);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => { closeRef.current?.focus({ preventScroll: true }); }, [drawerId]);
  if (!drawerId) return null;
  return (
    <aside className="vm-drawer" aria-label="VM replication details" data-testid="vm-drawer" onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); openDrawer(null); } }}>
      <button ref={closeRef} type="button" className="detail-close" onClick={() => openDrawer(null)} aria-label="Close details">×</button>
      {row ? <DrawerBody row={row} now={now} /> : <p className="drawer-gone">This VM is no longer protected in the estate.</p>}
    </aside>
  );
}

function DrawerBody({ row, now }: { row: ReplicationRow; now: number }) {
  const r = row.vm.replication!;
  const tone = HEALTH_TONE[row.health];
  return (
    <div className="drawer-scroll">
      <header className="drawer-head">
        <h2 className="drawer-title" data-testid="drawer-title">{row.name}</h2>
        <div className={`drawer-sub tone-${tone}`}><StatusGlyph tone={tone} /> {HEALTH_LABEL[row.health]} · {splitWords(row.state)} · T{row.tier} · {row.vm.workload}</div>
      </header>
      <Section title="Where it runs">
        <Prop k="Primary">{row.hostName} <span className="muted">· {row.clusterName} · {row.siteName}</span></Prop>
        <Prop k="Replica">{row.replicaHostName ? <>{row.replicaHostName} <span className="muted">· {row.replicaClusterName}</span></> : <span className="muted">no replica copy</span>}</Prop>
        <Prop k="Replica server"><span className="mono">{r.replicaServer}</span></Prop>
      </Section>
      <Section title="Recovery point objective">
        {row.rpoMet === null || row.rpoTargetSec === null ? <Prop k="RPO">—</Prop> : (
          <>
            <Prop k="Target">{formatDuration(row.rpoTargetSec)} (tier {row.tier})</Prop>
            <Prop k="Status"><span className={row.rpoMet ? 'tone-ok' : 'tone-crit'}><StatusGlyph tone={row.rpoMet ? 'ok' : 'crit'} /> {row.rpoMet ? 'Met' : 'Missed'}</span>
              {row.rpoMet && row.rpoBreachAt !== null ? <span className="muted"> · breaks {formatAgo(row.rpoBreachAt, now)} without a cycle</span> : null}
            </Prop>
          </>
        )}
        <Prop k="Last replication">{r.lastReplicationTime === null ? 'never (initial replication pending)' : formatAgo(r.lastReplicationTime, now)}</Prop>
        <Prop k="Pending">{formatBytes(r.pendingBytes)}</Prop>
      </Section>
      <ReplicationSettings title="Recovery point settings" r={r} />
      {row.extended ? <ReplicationSettings title="Extended replication (DR → cloud)" r={row.extended} now={now} /> : null}
      <Suspense fallback={<p className="muted">Loading history…</p>}>
        <HistoryCharts vmId={row.id} rpoTargetSec={row.rpoTargetSec} />
      </Suspense>
      <VmAlerts vmId={row.id} />
      <VmLabEvents vmName={row.name} />
    </div>
  );
}

function ReplicationSettings({ title, r, now }: { title: string; r: Replication; now?: number }) {
  return (
    <Section title={title}>
      {now !== undefined ? <Prop k="Health"><StatusGlyph tone={HEALTH_TONE[r.health]} /> {HEALTH_LABEL[r.health]} · {splitWords(r.state)}</Prop> : null}
      <Prop k="Frequency">every {formatDuration(r.frequencySec)}</Prop>
      <Prop k="Recovery points">latest + {r.additionalRecoveryPoints} hourly</Prop>
      <Prop k="App-consistent">{r.appConsistentIntervalHours === 0 ? 'off' : `every ${r.appConsistentIntervalHours} h (VSS)`}</Prop>
      {now !== undefined ? <Prop k="Last replication">{r.lastReplicationTime === null ? 'never' : formatAgo(r.lastReplicationTime, now)}</Prop> : null}
    </Section>
  );
}

function VmAlerts({ vmId }: { vmId: string }) {
  const all = useAlerts((s) => s.alerts);
  const alerts = useMemo(() => all.filter((a) => a.vmId === vmId).slice(0, 20), [all, vmId]);
  const now = useEstate((s) => s.snapshot?.clock.now ?? 0);
  return (
    <Section title={`Alerts${alerts.length ? ` (${alerts.length})` : ''}`} plain>
      {alerts.length === 0 ? <p className="muted">No alert for this VM.</p> : (
        <ul className="drawer-list" data-testid="drawer-alerts">
          {alerts.map((a) => (
            <li key={a.id} className={a.clearedAt !== null ? 'is-cleared' : ''}>
              <StatusGlyph tone={a.severity === 'critical' ? 'crit' : 'warn'} label={a.severity} />
              <span>{a.message}</span>
              <span className="muted num">{formatAgo(a.raisedAt, now)}{a.clearedAt !== null ? ' · cleared' : ''}{a.acknowledged ? ` · ack ${a.acknowledged.by}` : ''}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function VmLabEvents({ vmName }: { vmName: string }) {
  const all = useLab((s) => s.events);
  const isLab = useLab((s) => s.state === 'ready');
  const events = useMemo(() => all.filter((e) => e.vm === vmName).slice(-15).reverse(), [all, vmName]);
  const now = useEstate((s) => s.snapshot?.clock.now ?? 0);
  if (!isLab) return null;
  return (
    <Section title="Lab events" plain>
      {events.length === 0 ? <p className="muted">No recent lab event for this VM.</p> : (
        <ul className="drawer-list" data-testid="drawer-lab-events">
          {events.map((e) => (
            <li key={e.seq}>
              <StatusGlyph tone={e.severity === 'error' ? 'crit' : e.severity === 'warning' ? 'warn' : 'info'} />
              <span>{e.message}</span>
              <span className="muted num">{formatAgo(e.at, now)}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function Section({ title, children, plain = false }: { title: string; children: ReactNode; plain?: boolean }) {
  return (
    <section className="drawer-section">
      <h3>{title}</h3>
      {plain ? children : <dl>{children}</dl>}
    </section>
  );
}

function Prop({ k, children }: { k: string; children: ReactNode }) {
  return <div className="prop"><dt>{k}</dt><dd>{children}</dd></div>;
}
