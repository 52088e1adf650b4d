import { useMemo } from 'react';
import { ConnectionIndicator } from './connection-indicator.tsx';
import { LabClock } from './lab-clock.tsx';
import { useConnection, useEstate } from '../platform/services-context.tsx';
import { AlertsCounter } from '../features/alerts/alerts-counter.tsx';
import { LabStatusItem } from '../features/lab/lab-status-item.tsx';
import './status-bar.css';

export function StatusBar() {
  return (
    <footer className="status-bar" data-testid="status-bar">
      <ConnectionIndicator />
      <BackendInfo />
      <RoleInfo />
      <LabClock />
      <LabStatusItem />
      <AlertsCounter />
      <EstateCounts />
    </footer>
  );
}

function BackendInfo() {
  const backend = useEstate((s) => s.snapshot?.backend);
  const sessionBackend = useConnection((s) => s.session?.backend);
  const kind = backend?.kind ?? sessionBackend;
  if (!kind) return null;
  const text = kind === 'lab' ? `Lab${backend?.seed != null ? ` · seed ${backend.seed}` : ''}` : 'PowerShell';
  return (
    <span className="status-item" data-testid="backend" title={backend?.description ?? undefined}>
      <span className="status-key">Backend</span> {text}
    </span>
  );
}

function RoleInfo() {
  const role = useConnection((s) => s.session?.role);
  const actor = useConnection((s) => s.session?.actor);
  const error = useConnection((s) => s.sessionError);
  if (!role) return error ? <span className="status-item" title={error}>Role unknown</span> : null;
  return (
    <span className={`status-item role role-${role}`} data-testid="role" title={`${role === 'viewer' ? 'Read-only: the server refuses every change from this console' : 'May change the estate and settings'}${actor ? ` — recorded as ${actor}` : ''}`}>
      <span className="status-key">Role</span> {role === 'viewer' ? 'Viewer (read-only)' : role === 'signer' ? 'Signer (drill sign-offs)' : 'Operator'}
      {actor ? <span className="status-actor" data-testid="actor" title={`What you do is recorded as: ${actor}`}> · {actor}</span> : null}
    </span>
  );
}

function EstateCounts() {
  const vms = useEstate((s) => s.snapshot?.vms);
  const hosts = useEstate((s) => s.snapshot?.hosts);
  const structureVersion = useEstate((s) => s.structureVersion);
  // Counted again only when entities come or go, not on every state change of 30,000 records.
  const counts = useMemo(() => {
    if (!vms || !hosts) return null;
    const records = Object.values(vms);
    return { vms: new Set(records.map((v) => v.vmId)).size, copies: records.length, hosts: Object.keys(hosts).length };
  }, [structureVersion, vms === undefined, hosts === undefined]);
  if (!counts) return null;
  return (
    <span className="status-item status-counts num" data-testid="estate-counts" title={`${counts.copies.toLocaleString()} VM records: primaries, replicas and extended replicas`}>
      <span><b>{counts.vms.toLocaleString()}</b> VMs</span>
      <span className="muted">({counts.copies.toLocaleString()} copies)</span>
      <span><b>{counts.hosts.toLocaleString()}</b> hosts</span>
    </span>
  );
}
