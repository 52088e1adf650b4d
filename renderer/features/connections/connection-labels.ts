import type { RemotingFailureKind, RemotingTransport, SessionStateName } from '../../../shared/model/connections.ts';
import type { SiteRole } from '../../../shared/model/estate.ts';
import type { Tone } from '../../ui/status-glyph.tsx';

export const STATE_LABEL: Record<SessionStateName, string> = {
  connected: 'Connected',
  degraded: 'Degraded',
  lost: 'Lost',
  connecting: 'Connecting…',
  disconnected: 'Not connected',
};

export const STATE_TONE: Record<SessionStateName, Tone> = {
  connected: 'ok', degraded: 'warn', lost: 'crit', connecting: 'info', disconnected: 'none',
};

export const TRANSPORT_LABEL: Record<RemotingTransport, string> = { winrm: 'WinRM', ssh: 'SSH (PowerShell 7)' };

export const ROLE_LABEL: Record<SiteRole, string> = { primary: 'Primary', dr: 'DR', cloud: 'Extended (cloud)' };

/** A short title above the advice sentence, so a wall display says what kind of trouble it is. */
export const FAILURE_TITLE: Record<RemotingFailureKind, string> = {
  'access-denied': 'Credentials refused',
  'trusted-hosts': 'Host not trusted (TrustedHosts)',
  'winrm-not-running': 'WinRM not answering',
  'name-or-firewall': 'Host unreachable (name or firewall)',
  'second-hop': 'Second hop refused (delegation)',
  'jea-endpoint': 'JEA endpoint refused the commands',
  timeout: 'No answer in time',
  'shell-exited': 'Local PowerShell ended',
  'powershell-missing': 'PowerShell not found on this computer',
  'no-nodes': 'No cluster node found',
  unknown: 'Connection failed',
};

export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
