import type { ConnectionState } from '../../shared/contract/transport.ts';
import { StatusGlyph, type Tone } from '../ui/status-glyph.tsx';
import { useConnection, useEstate } from '../platform/services-context.tsx';

const VIEW: Record<ConnectionState, { tone: Tone; text: string }> = {
  connecting: { tone: 'info', text: 'Connecting' },
  connected: { tone: 'ok', text: 'Connected' },
  reconnecting: { tone: 'warn', text: 'Reconnecting…' },
  closed: { tone: 'none', text: 'Disconnected' },
  unauthorized: { tone: 'crit', text: 'Unauthorized — open the link with ?token= printed by the server' },
};

export function ConnectionIndicator() {
  const state = useConnection((s) => s.state);
  const detail = useConnection((s) => s.detail);
  const kind = useConnection((s) => s.transportKind);
  const resyncing = useEstate((s) => s.status === 'resyncing');
  const view = VIEW[state];
  const text = state === 'connected' && resyncing ? 'Connected — reloading the estate' : view.text;
  return (
    <span
      className={`status-item connection connection-${state}`}
      data-testid="connection-state"
      data-state={state}
      role="status"
      title={[kind === 'ipc' ? 'Electron core (IPC)' : 'Standby server (WebSocket)', detail].filter(Boolean).join(' — ')}
    >
      <StatusGlyph tone={view.tone} />
      <span>{text}</span>
      {detail && (state === 'connecting' || state === 'unauthorized') ? <span className="muted connection-detail">{detail}</span> : null}
    </span>
  );
}
