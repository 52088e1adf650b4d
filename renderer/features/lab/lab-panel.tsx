import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { LabFaultSpecInput, LabLinkId, LabSpeed } from '../../../shared/model/lab.ts';
import { formatAgo } from '../../../shared/format/duration.ts';
import { useEstate } from '../../platform/services-context.tsx';
import { formatClock } from '../../platform/clock-extrapolation.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useSheet } from '../../platform/sheet-store.ts';
import { useIsViewer, useRefusal } from '../../platform/read-only.ts';
import { formatBits } from '../replication/summary-strip.tsx';
import { FAULT_KINDS, LINK_LABEL, type FaultKind } from './fault-kinds.ts';
import { useLab, useLabStore } from './use-lab.ts';
import './lab.css';

const SPEEDS: Array<[LabSpeed, string, string]> = [
  ['pause', 'Pause', 'Stop the simulated clock'],
  [1, '1×', 'Real time'],
  [10, '10×', 'Ten simulated seconds per second'],
  [60, '60×', 'One simulated minute per second'],
  [600, '600×', 'Ten simulated minutes per second'],
  ['max', 'Max', 'As fast as the machine allows'],
];

/** The lab's controls: clock speed, fault injection, active faults, WAN links and recent events. */
export function LabPanel() {
  const state = useLab((s) => s.state);
  const status = useLab((s) => s.status);
  const error = useLab((s) => s.error);
  const actionError = useLab((s) => s.actionError);
  const busy = useLab((s) => s.busy);
  const events = useLab((s) => s.events);
  const viewer = useIsViewer();
  const refusal = useRefusal();
  const clock = useEstate((s) => s.snapshot?.clock);
  const store = useLabStore();
  const close = () => useSheet.getState().open(null);

  // Links and faults change with the lab's events; refresh them when events arrive, at most every 2 s.
  const lastReload = useRef(0);
  useEffect(() => {
    const wait = lastReload.current + 2_000 - performance.now();
    const run = () => { lastReload.current = performance.now(); void store.reload(); };
    if (wait <= 0) { run(); return; }
    const timer = setTimeout(run, wait);
    return () => clearTimeout(timer);
  }, [events.length === 0 ? 0 : events.at(-1)!.seq, store]);

  const speed = status?.speed;
  const recent = useMemo(() => events.slice(-60).reverse(), [events]);
  return (
    <aside className="side-sheet lab-panel" aria-labelledby="lab-title" data-testid="lab-panel" onKeyDown={(e) => { if (e.key === 'Escape') close(); }}>
      <header className="sheet-head">
        <h2 id="lab-title">Lab controls</h2>
        <button type="button" className="detail-close" onClick={close} aria-label="Close lab controls" autoFocus>×</button>
      </header>
      {state === 'unavailable' ? <p className="sheet-error">{error ?? 'The lab is not the active backend.'}</p> : null}
      {viewer ? <p className="muted sheet-note"><StatusGlyph tone="info" /> Viewer (read-only): the server refuses lab changes from this console.</p> : null}
      {actionError ? <p className="sheet-error" role="alert" data-testid="lab-error">{actionError}</p> : null}
      {status ? (
        <>
          <section className="sheet-section" aria-labelledby="lab-speed-title">
            <h3 id="lab-speed-title">Clock</h3>
            <p className="lab-clock-line num" data-testid="lab-panel-clock">{clock ? formatClock(clock.now) : formatClock(status.now)} <span className="muted">· seed {status.seed} · {status.eventCount.toLocaleString()} events simulated</span></p>
            <div className="segmented lab-speeds" role="radiogroup" aria-label="Lab speed">
              {SPEEDS.map(([value, label, title]) => (
                <button key={String(value)} type="button" role="radio" aria-checked={speed === value} className={speed === value ? 'is-on' : ''} title={refusal('lab.setSpeed') ?? title} disabled={busy || !!refusal('lab.setSpeed')} onClick={() => void store.setSpeed(value)} data-testid={`lab-speed-${value}`}>
                  {label}
                </button>
              ))}
            </div>
          </section>
          <section className="sheet-section" aria-labelledby="lab-links-title">
            <h3 id="lab-links-title">WAN links</h3>
            <ul className="lab-links">
              {status.links.map((l) => (
                <li key={l.id} data-testid={`lab-link-${l.id}`} data-state={l.state}>
                  <StatusGlyph tone={l.state === 'up' ? 'ok' : l.state === 'degraded' ? 'warn' : 'crit'} label={l.state} />
                  <b>{l.name}</b> <span className="muted num">{l.state === 'down' ? 'down' : `${formatBits(l.bandwidthBitsPerSec)} · ${l.latencyMs} ms`} · {l.activeTransfers} transfer{l.activeTransfers === 1 ? '' : 's'}</span>
                </li>
              ))}
            </ul>
          </section>
          <FaultForm />
          <section className="sheet-section" aria-labelledby="lab-faults-title">
            <h3 id="lab-faults-title">Active faults ({status.faults.length})</h3>
            {status.faults.length === 0 ? <p className="muted">None: the estate runs as configured.</p> : (
              <ul className="lab-faults" data-testid="lab-faults">
                {status.faults.map((f) => (
                  <li key={f.id} data-testid="lab-fault" data-kind={f.spec.kind}>
                    <StatusGlyph tone="warn" />
                    <div><b>{FAULT_KINDS.find((k) => k.kind === f.spec.kind)?.label ?? f.spec.kind}</b> <span>{f.description}</span>
                      <div className="muted num">injected {formatAgo(f.injectedAt, clock?.now ?? status.now)}</div></div>
                    <button type="button" disabled={busy || !!refusal('lab.clearFault')} title={refusal('lab.clearFault') ?? undefined} onClick={() => void store.clearFault(f.id)} data-testid="lab-fault-clear">Clear</button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="sheet-section" aria-labelledby="lab-events-title">
            <h3 id="lab-events-title">Recent lab events</h3>
            {recent.length === 0 ? <p className="muted">No event yet.</p> : (
              <ol className="lab-events" data-testid="lab-events">
                {recent.map((e) => (
                  <li key={e.seq} className={`sev-${e.severity}`}>
                    <StatusGlyph tone={e.severity === 'error' ? 'crit' : e.severity === 'warning' ? 'warn' : 'info'} />
                    <span className="num muted">{new Date(e.at).toLocaleTimeString(undefined, { hourCycle: 'h23' })}</span>
                    <span>{e.message}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      ) : state === 'loading' ? <p className="muted sheet-empty">Loading the lab…</p> : null}
    </aside>
  );
}

function FaultForm() {
  const store = useLabStore();
  const busy = useLab((s) => s.busy);
  const injectRefused = useRefusal()('lab.injectFault');
  const hosts = useEstate((s) => s.snapshot?.hosts);
  const clusters = useEstate((s) => s.snapshot?.clusters);
  const vms = useEstate((s) => s.snapshot?.vms);
  const structureVersion = useEstate((s) => s.structureVersion);
  const [kind, setKind] = useState<FaultKind>('wan-cut');
  const [link, setLink] = useState<LabLinkId>('primary-dr');
  const [host, setHost] = useState('');
  const [cluster, setCluster] = useState('');
  const [vm, setVm] = useState('');
  const [factorPct, setFactorPct] = useState(25);
  const [latencyMs, setLatencyMs] = useState(0);
  const [site, setSite] = useState<'dr' | 'cloud'>('dr');
  const [bootMode, setBootMode] = useState<'start-error' | 'no-heartbeat'>('no-heartbeat');
  const [calls, setCalls] = useState(1);
  const [note, setNote] = useState<string | null>(null);
  const hostNames = useMemo(() => (hosts ? Object.values(hosts).map((h) => h.name).sort() : []), [structureVersion, hosts === undefined]);
  const brokerClusters = useMemo(() => (clusters ? Object.values(clusters).filter((c) => c.replicaBroker).map((c) => c.name).sort() : []), [structureVersion, clusters === undefined]);
  const vmNames = useMemo(() => (vms ? [...new Set(Object.values(vms).map((v) => v.name))].sort() : []), [structureVersion, vms === undefined]);
  const about = FAULT_KINDS.find((k) => k.kind === kind)!;

  const spec = (): LabFaultSpecInput | string => {
    switch (kind) {
      case 'wan-cut': return { kind, link };
      case 'wan-degradation':
        if (!(factorPct > 0 && factorPct <= 100)) return 'Bandwidth must be between 1 and 100% of normal.';
        return { kind, link, bandwidthFactor: factorPct / 100, extraLatencyMs: latencyMs };
      case 'host-crash': return host ? { kind, host } : 'Choose the host that crashes.';
      case 'primary-site-loss': return { kind };
      case 'replica-storage-full': return { kind, site };
      case 'replica-broker-down': return cluster ? { kind, cluster } : 'Choose the cluster whose broker goes down.';
      case 'vm-boot-failure': return vm.trim() ? { kind, vm: vm.trim(), mode: bootMode } : 'Name the VM that fails to boot.';
      case 'backend-timeout': return vm.trim() ? { kind, vm: vm.trim(), calls } : { kind, calls };
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const s = spec();
    if (typeof s === 'string') { setNote(s); return; }
    setNote(null);
    const fault = await store.injectFault(s);
    if (fault) setNote(`Injected: ${fault.description}`);
  };

  return (
    <section className="sheet-section" aria-labelledby="lab-fault-title">
      <h3 id="lab-fault-title">Inject a fault</h3>
      <form className="fault-form" onSubmit={(e) => void submit(e)} data-testid="fault-form">
        <label>Fault{' '}
          <select value={kind} onChange={(e) => { setKind(e.target.value as FaultKind); setNote(null); }} data-testid="fault-kind">
            {FAULT_KINDS.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
          </select>
        </label>
        <p className="fault-about" id="fault-about">{about.description}</p>
        {kind === 'wan-cut' || kind === 'wan-degradation' ? (
          <label>Link{' '}
            <select value={link} onChange={(e) => setLink(e.target.value as LabLinkId)} data-testid="fault-link">
              {(Object.keys(LINK_LABEL) as LabLinkId[]).map((id) => <option key={id} value={id}>{LINK_LABEL[id]}</option>)}
            </select>
          </label>
        ) : null}
        {kind === 'wan-degradation' ? (
          <>
            <label>Bandwidth left (%) <input type="number" min={1} max={100} value={factorPct} onChange={(e) => setFactorPct(Number(e.target.value))} /></label>
            <label>Extra latency (ms) <input type="number" min={0} max={60000} value={latencyMs} onChange={(e) => setLatencyMs(Number(e.target.value))} /></label>
          </>
        ) : null}
        {kind === 'host-crash' ? (
          <label>Host{' '}
            <select value={host} onChange={(e) => setHost(e.target.value)} data-testid="fault-host">
              <option value="">Choose a host…</option>
              {hostNames.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
        ) : null}
        {kind === 'replica-storage-full' ? (
          <label>Site{' '}
            <select value={site} onChange={(e) => setSite(e.target.value as 'dr' | 'cloud')}>
              <option value="dr">DR site (replicas)</option>
              <option value="cloud">Cloud site (extended replicas)</option>
            </select>
          </label>
        ) : null}
        {kind === 'replica-broker-down' ? (
          <label>Cluster{' '}
            <select value={cluster} onChange={(e) => setCluster(e.target.value)}>
              <option value="">Choose a cluster…</option>
              {brokerClusters.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
        ) : null}
        {kind === 'vm-boot-failure' || kind === 'backend-timeout' ? (
          <label>VM{kind === 'backend-timeout' ? ' (empty: any call)' : ''}{' '}
            <input type="text" list="lab-vm-names" value={vm} onChange={(e) => setVm(e.target.value)} spellCheck={false} autoComplete="off" />
            <datalist id="lab-vm-names">{vmNames.map((n) => <option key={n} value={n} />)}</datalist>
          </label>
        ) : null}
        {kind === 'vm-boot-failure' ? (
          <label>How{' '}
            <select value={bootMode} onChange={(e) => setBootMode(e.target.value as 'start-error' | 'no-heartbeat')}>
              <option value="no-heartbeat">Starts, but no heartbeat</option>
              <option value="start-error">Start-VM fails</option>
            </select>
          </label>
        ) : null}
        {kind === 'backend-timeout' ? (
          <label>Calls that time out <input type="number" min={1} max={1000} value={calls} onChange={(e) => setCalls(Number(e.target.value))} /></label>
        ) : null}
        <div className="fault-buttons">
          <button type="submit" className={kind === 'primary-site-loss' ? 'danger' : 'primary'} disabled={busy || !!injectRefused} title={injectRefused ?? undefined} data-testid="fault-inject" aria-describedby="fault-about">Inject {about.label.toLowerCase()}</button>
        </div>
        {note ? <p className="fault-note" role="status">{note}</p> : null}
      </form>
    </section>
  );
}
