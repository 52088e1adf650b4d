import {
  ComputerNameSchema, ConnectionProfileSchema, DEFAULT_MAX_SESSIONS, MAX_SESSIONS_CAP, RemotingAuthenticationSchema, RemotingTransportSchema,
  type ConnectionProfile, type RemotingAuthentication, type RemotingTransport,
} from '../../../shared/model/connections.ts';
import type { SiteRole } from '../../../shared/model/estate.ts';

/**
 * The Connections form as text fields, and its translation into a profile with one message per
 * field. The core validates again; this is so the user hears about a typo before a round trip.
 */
export interface ProfileDraft {
  siteId: string;
  role: SiteRole;
  name: string;
  location: string;
  /** One cluster per line, optionally with its nodes: "CL-A: HV-A01, HV-A02". */
  clusters: string;
  username: string;
  configurationName: string;
  authentication: RemotingAuthentication;
  useSsl: boolean;
  /** WinRM, or PowerShell 7's remoting over SSH (then the three ssh fields below; empty: ssh's own config). */
  transport: RemotingTransport;
  sshUserName: string;
  sshKeyFilePath: string;
  sshPort: string;
  connectS: string;
  commandS: string;
  operationS: string;
  keepAliveS: string;
  /** Parallel PowerShell sessions for the site; empty: the default. */
  maxSessions: string;
}
export type DraftField = keyof ProfileDraft | 'password';
export type DraftErrors = Partial<Record<DraftField, string>>;
export type DraftResult = { ok: true; profile: ConnectionProfile } | { ok: false; errors: DraftErrors };

export const AUTHENTICATIONS = RemotingAuthenticationSchema.options;
export const TRANSPORTS = RemotingTransportSchema.options;

const seconds = (ms: number) => String(Math.round(ms / 1000));

export function draftFromProfile(profile: ConnectionProfile): ProfileDraft {
  return {
    siteId: profile.siteId, role: profile.role, name: profile.name, location: profile.location,
    clusters: profile.clusters.map((c) => (c.nodes.length > 0 ? `${c.cluster}: ${c.nodes.join(', ')}` : c.cluster)).join('\n'),
    username: profile.username ?? '',
    configurationName: profile.configurationName ?? '',
    authentication: profile.authentication,
    useSsl: profile.useSsl,
    transport: profile.transport,
    sshUserName: profile.ssh.userName ?? '', sshKeyFilePath: profile.ssh.keyFilePath ?? '', sshPort: profile.ssh.port === null ? '' : String(profile.ssh.port),
    connectS: seconds(profile.timeouts.connectMs), commandS: seconds(profile.timeouts.commandMs),
    operationS: seconds(profile.timeouts.operationMs), keepAliveS: seconds(profile.timeouts.keepAliveMs),
    maxSessions: profile.maxSessions === null ? '' : String(profile.maxSessions),
  };
}

/** A new profile for a site the estate knows (or a blank one), with Standby's default timeouts. */
export function newDraft(site: { id: string; name: string; role: SiteRole; location: string } | null, clusterNames: string[] = []): ProfileDraft {
  return {
    siteId: site?.id ?? '', role: site?.role ?? 'primary', name: site?.name ?? '', location: site?.location ?? '',
    clusters: clusterNames.join('\n'), username: '', configurationName: '', authentication: 'Default', useSsl: false,
    transport: 'winrm', sshUserName: '', sshKeyFilePath: '', sshPort: '',
    connectS: '30', commandS: '60', operationS: '600', keepAliveS: '60', maxSessions: '',
  };
}

const TIMEOUTS = [
  ['connectS', 'connectMs', 1, 300, 'Connect'],
  ['commandS', 'commandMs', 1, 600, 'Read'],
  ['operationS', 'operationMs', 1, 3600, 'Operation'],
  ['keepAliveS', 'keepAliveMs', 5, 600, 'Keep-alive'],
] as const;

function parseSsh(draft: ProfileDraft, errors: DraftErrors): ConnectionProfile['ssh'] {
  const userName = draft.sshUserName.trim();
  const keyFilePath = draft.sshKeyFilePath.trim();
  const portText = draft.sshPort.trim();
  if (userName.length > 256) errors.sshUserName = 'At most 256 characters.';
  else if (/\s/.test(userName)) errors.sshUserName = 'An SSH user name has no spaces (e.g. svc-standby or corp\\svc-standby).';
  if (keyFilePath.length > 1024) errors.sshKeyFilePath = 'At most 1024 characters.';
  const port = Number(portText);
  if (portText !== '' && (!Number.isInteger(port) || port < 1 || port > 65_535)) errors.sshPort = 'SSH port: a whole number from 1 to 65535, or empty for 22.';
  return { userName: userName || null, keyFilePath: keyFilePath || null, port: portText === '' ? null : port };
}

function parseClusters(text: string, errors: DraftErrors): { cluster: string; nodes: string[] }[] {
  const out: { cluster: string; nodes: string[] }[] = [];
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    const [head, rest] = line.includes(':') ? [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)] : [line, ''];
    const cluster = head.trim();
    const nodes = rest.split(/[\s,;]+/).filter((n) => n !== '');
    for (const name of [cluster, ...nodes]) {
      if (!ComputerNameSchema.safeParse(name).success) {
        errors.clusters ??= `Line ${i + 1}: “${name || '(empty)'}” is not a host or cluster name (letters, digits, dots, hyphens; nodes after a colon).`;
      }
    }
    if (out.some((c) => c.cluster.toLowerCase() === cluster.toLowerCase())) errors.clusters ??= `Line ${i + 1}: ${cluster} is listed twice.`;
    out.push({ cluster, nodes });
  }
  if (out.length === 0) errors.clusters ??= 'Name at least one cluster (its cluster name object), one per line.';
  if (out.length > 32) errors.clusters ??= 'At most 32 clusters per site.';
  return out;
}

export function parseDraft(draft: ProfileDraft, password = ''): DraftResult {
  const errors: DraftErrors = {};
  const siteId = draft.siteId.trim();
  if (siteId === '') errors.siteId = 'Give the site an id, e.g. site-pri (it ties the profile to the site in the estate).';
  else if (!/^[A-Za-z0-9._-]{1,100}$/.test(siteId)) errors.siteId = 'Site id: letters, digits, dots, hyphens and underscores only.';
  if (draft.name.trim() === '') errors.name = 'Give the site a name people recognise, e.g. Northgate.';
  else if (draft.name.trim().length > 100) errors.name = 'At most 100 characters.';
  if (draft.location.trim().length > 200) errors.location = 'At most 200 characters.';
  const clusters = parseClusters(draft.clusters, errors);
  const username = draft.username.trim();
  if (username.length > 256) errors.username = 'At most 256 characters.';
  else if (username !== '' && !/^[^\\@\s]+\\[^\\@\s]+$|^[^\\@\s]+@[^\\@\s]+$/.test(username)) errors.username = 'Write the user as DOMAIN\\user or user@domain, or leave it empty to use the signed-in Windows user.';
  const ssh = parseSsh(draft, errors);
  // New-PSSession -HostName takes no -Credential: over SSH, only keys (or ssh's agent) authenticate.
  if (draft.transport === 'ssh' && password !== '') errors.password = 'SSH sessions sign in with a key file or ssh\'s agent; PowerShell cannot pass a password to ssh. Leave the password empty.';
  else if (password !== '' && username === '') errors.password = 'A password needs a user name; leave both empty to connect as the signed-in Windows user.';
  const configurationName = draft.configurationName.trim();
  if (configurationName !== '' && !/^[A-Za-z0-9._-]{1,128}$/.test(configurationName)) errors.configurationName = 'A session configuration name: letters, digits, dots, hyphens and underscores.';
  const timeouts: Record<string, number> = {};
  for (const [field, key, min, max, label] of TIMEOUTS) {
    const text = draft[field].trim();
    const value = Number(text);
    if (text === '' || !Number.isInteger(value) || value < min || value > max) errors[field] = `${label} timeout: whole seconds from ${min} to ${max}.`;
    else timeouts[key] = value * 1000;
  }
  const sessionsText = draft.maxSessions.trim();
  const maxSessions = Number(sessionsText);
  if (sessionsText !== '' && (!Number.isInteger(maxSessions) || maxSessions < 1 || maxSessions > MAX_SESSIONS_CAP)) {
    errors.maxSessions = `Parallel sessions: a whole number from 1 to ${MAX_SESSIONS_CAP}, or empty for ${DEFAULT_MAX_SESSIONS}.`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const parsed = ConnectionProfileSchema.safeParse({
    siteId, role: draft.role, name: draft.name.trim(), location: draft.location.trim(), clusters,
    username: username === '' ? null : username, credentialRef: null,
    configurationName: configurationName === '' ? null : configurationName,
    authentication: draft.authentication, useSsl: draft.useSsl, transport: draft.transport, ssh, timeouts,
    maxSessions: sessionsText === '' ? null : maxSessions,
  });
  if (!parsed.success) {
    // Anything the checks above missed, attached to the nearest field.
    const issue = parsed.error.issues[0]!;
    const field = fieldOf(issue.path.map(String).join('.')) ?? 'name';
    return { ok: false, errors: { [field]: issue.message } };
  }
  return { ok: true, profile: parsed.data };
}

/** Maps a field the core named (ContractError.where, e.g. "profile.clusters.0.cluster") to the form. */
export function fieldOf(where: string | undefined): DraftField | null {
  if (!where) return null;
  if (where === 'password') return 'password';
  const parts = where.replace(/^profile\./, '').split('.');
  if (parts[0] === 'ssh') return ({ userName: 'sshUserName', keyFilePath: 'sshKeyFilePath', port: 'sshPort' } as Record<string, DraftField>)[parts[1] ?? ''] ?? 'transport';
  if (parts[0] === 'timeouts') return ({ connectMs: 'connectS', commandMs: 'commandS', operationMs: 'operationS', keepAliveMs: 'keepAliveS' } as Record<string, DraftField>)[parts[1] ?? ''] ?? 'connectS';
  const known: DraftField[] = ['siteId', 'role', 'name', 'location', 'clusters', 'username', 'configurationName', 'authentication', 'useSsl', 'transport', 'maxSessions'];
  return known.includes(parts[0] as DraftField) ? (parts[0] as DraftField) : null;
}
