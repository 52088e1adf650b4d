import { plainText } from './name-text.ts';
import { z } from 'zod';
import { SiteRoleSchema } from './estate.ts';

/**
 * How Standby reaches a site's clusters over PowerShell remoting. The password never appears here:
 * it lives in the secret store under `credentialRef`, so profiles can be shown, exported and logged.
 */

/** NetBIOS or DNS name: letters, digits, dots and hyphens, as WinRM accepts for -ComputerName. */
export const ComputerNameSchema = z.string().min(1).max(253).regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a host or cluster name (letters, digits, dots, hyphens)');

export const ClusterEndpointSchema = z.object({
  /** Cluster name object (CNO), used for cluster cmdlets and to list nodes when `nodes` is empty. */
  cluster: ComputerNameSchema,
  /** Nodes to open sessions to; discovered with Get-ClusterNode when empty. */
  nodes: z.array(ComputerNameSchema).max(64).default([]),
});
export type ClusterEndpoint = z.infer<typeof ClusterEndpointSchema>;

/** -Authentication of New-PSSession; CredSSP lets hosts act on their peers (second hop). */
export const RemotingAuthenticationSchema = z.enum(['Default', 'Kerberos', 'Negotiate', 'CredSSP']);
export type RemotingAuthentication = z.infer<typeof RemotingAuthenticationSchema>;

/**
 * How sessions to the nodes are opened: WinRM (New-PSSession -ComputerName), or PowerShell 7's remoting
 * over SSH (New-PSSession -HostName ... -SSHTransport) to hosts running OpenSSH with a `powershell`
 * subsystem. SSH needs PowerShell 7 (pwsh) on the console's machine.
 */
export const RemotingTransportSchema = z.enum(['winrm', 'ssh']);
export type RemotingTransport = z.infer<typeof RemotingTransportSchema>;

export const SshOptionsSchema = z.object({
  /** -UserName; absent: the profile's username, else what ssh's config says. */
  userName: z.string().max(256).nullable().default(null),
  /** -KeyFilePath: a private key file on the console's machine; absent: ssh's agent or config. */
  keyFilePath: z.string().max(1024).nullable().default(null),
  /** -Port; absent: 22 or ssh's config. */
  port: z.number().int().min(1).max(65_535).nullable().default(null),
});
export type SshOptions = z.infer<typeof SshOptionsSchema>;

export const ConnectionTimeoutsSchema = z.object({
  connectMs: z.number().int().min(1_000).max(300_000).default(30_000),
  /** Reads (inventory, replication); a whole cluster's inventory must fit in it. */
  commandMs: z.number().int().min(1_000).max(600_000).default(60_000),
  /** Failover, migration, drain: Hyper-V's own operations can take minutes. */
  operationMs: z.number().int().min(1_000).max(3_600_000).default(600_000),
  keepAliveMs: z.number().int().min(5_000).max(600_000).default(60_000),
});
export type ConnectionTimeouts = z.infer<typeof ConnectionTimeoutsSchema>;

/** Parallel PowerShell processes per site when a profile does not say (backends/powershell/session-pool.ts says why). */
export const DEFAULT_MAX_SESSIONS = 8;
/** WinRM allows a user 30 shells per host by default (MaxShellsPerUser): 25 leaves the administrators room. */
export const MAX_SESSIONS_CAP = 25;

export const ConnectionProfileSchema = z.object({
  siteId: z.string().min(1).max(100),
  role: SiteRoleSchema,
  /** Shown in the console; Hyper-V has no notion of a site. */
  name: plainText(100, 1),
  location: plainText(200).default(''),
  clusters: z.array(ClusterEndpointSchema).min(1).max(32),
  /** DOMAIN\user or user@domain; absent means the signed-in Windows user (Kerberos). */
  username: plainText(256).nullable().default(null),
  /** Key of the password in the secret store; null with a null username. */
  credentialRef: z.string().max(200).nullable().default(null),
  /** JEA endpoint (-ConfigurationName); null uses the default microsoft.powershell endpoint. */
  configurationName: z.string().max(128).regex(/^[A-Za-z0-9._-]+$/).nullable().default(null),
  authentication: RemotingAuthenticationSchema.default('Default'),
  useSsl: z.boolean().default(false),
  transport: RemotingTransportSchema.default('winrm'),
  /** Used with transport 'ssh' only. */
  ssh: SshOptionsSchema.default({ userName: null, keyFilePath: null, port: null }),
  timeouts: ConnectionTimeoutsSchema.default({ connectMs: 30_000, commandMs: 60_000, operationMs: 600_000, keepAliveMs: 60_000 }),
  /**
   * Local PowerShell processes this site may run at once, each with its own session to every node
   * (see backends/powershell/session-pool.ts for the default and why it is capped at 25).
   * Null: the default.
   */
  maxSessions: z.number().int().min(1).max(MAX_SESSIONS_CAP).nullable().default(null),
});
export type ConnectionProfile = z.infer<typeof ConnectionProfileSchema>;

/** What connections.save takes: the profile plus, once, a password to put in the secret store. */
export const ConnectionSaveRequestSchema = z.object({
  profile: ConnectionProfileSchema,
  password: z.string().max(1024).optional(),
}).strict();
export type ConnectionSaveRequest = z.infer<typeof ConnectionSaveRequestSchema>;

export const SessionStateNameSchema = z.enum(['disconnected', 'connecting', 'connected', 'degraded', 'lost']);
export type SessionStateName = z.infer<typeof SessionStateNameSchema>;

/** Which failure it was, so the UI can show the advice and link the right help section. */
export const RemotingFailureKindSchema = z.enum([
  'access-denied', 'trusted-hosts', 'winrm-not-running', 'name-or-firewall', 'second-hop',
  'jea-endpoint', 'timeout', 'shell-exited', 'powershell-missing', 'no-nodes', 'unknown',
]);
export type RemotingFailureKind = z.infer<typeof RemotingFailureKindSchema>;

export const RemotingFailureSchema = z.object({
  kind: RemotingFailureKindSchema,
  /** One sentence telling the user what to do. */
  advice: z.string(),
  /** What PowerShell said, for the details pane and support. */
  detail: z.string(),
  computerName: z.string().nullable(),
});
export type RemotingFailure = z.infer<typeof RemotingFailureSchema>;

export const NodeSessionStateSchema = z.object({
  computerName: z.string(),
  cluster: z.string(),
  connected: z.boolean(),
  lastError: RemotingFailureSchema.nullable(),
});
export type NodeSessionState = z.infer<typeof NodeSessionStateSchema>;

export const SiteSessionStateSchema = z.object({
  siteId: z.string(),
  state: SessionStateNameSchema,
  /** Epoch ms of the last state change. */
  since: z.number(),
  /** Attempts since the last time the site was connected; drives the backoff. */
  attempt: z.number().int().nonnegative(),
  nextRetryAt: z.number().nullable(),
  lastError: RemotingFailureSchema.nullable(),
  nodes: z.array(NodeSessionStateSchema),
  /** PowerShell version of the local shell, e.g. "5.1.20348.2849". */
  psVersion: z.string().nullable(),
});
export type SiteSessionState = z.infer<typeof SiteSessionStateSchema>;

export const ConnectionTestResultSchema = z.object({
  ok: z.boolean(),
  /** connected (every node), degraded (some), lost (none, or the local shell failed). */
  state: SessionStateNameSchema,
  elapsedMs: z.number().nonnegative(),
  nodes: z.array(NodeSessionStateSchema),
  failure: RemotingFailureSchema.nullable(),
  psVersion: z.string().nullable(),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResultSchema>;

/** Which backend the core runs on. The lab stays the default; PowerShell needs a complete profile. */
export const BackendKindSchema = z.enum(['lab', 'powershell']);
export type BackendKind = z.infer<typeof BackendKindSchema>;

/** A stored profile as the console sees it: never the password, only whether one is stored. */
export const ConnectionEntrySchema = z.object({
  profile: ConnectionProfileSchema,
  hasPassword: z.boolean(),
  /** Usable by the PowerShell backend: valid, and a password is stored when a user name is set. */
  complete: z.boolean(),
  /** Why it is not complete, one sentence each. */
  problems: z.array(z.string()),
});
export type ConnectionEntry = z.infer<typeof ConnectionEntrySchema>;

export const BackendChoiceSchema = z.object({
  /** What the core runs on now. */
  active: BackendKindSchema,
  /** What it will run on at the next start (settings, or the Connections screen). */
  preferred: BackendKindSchema,
  /** Profiles changed since the PowerShell backend started, or the preference differs from what runs. */
  restartRequired: z.boolean(),
  /** The local PowerShell Standby starts: "powershell", "pwsh" or a path. */
  executable: z.string(),
});
export type BackendChoice = z.infer<typeof BackendChoiceSchema>;

export const ConnectionsListSchema = z.object({
  entries: z.array(ConnectionEntrySchema),
  /** One per live session (PowerShell backend); empty while the lab runs. */
  sessions: z.array(SiteSessionStateSchema),
  backend: BackendChoiceSchema,
  /** Where the profiles are stored (no passwords in it). */
  file: z.string(),
});
export type ConnectionsList = z.infer<typeof ConnectionsListSchema>;

/** connections.test: a saved site, or a profile from the form; the password only when typed. */
export const ConnectionTestRequestSchema = z.object({
  profile: ConnectionProfileSchema,
  password: z.string().max(1024).optional(),
}).strict();
export type ConnectionTestRequest = z.infer<typeof ConnectionTestRequestSchema>;

/** The sessions.state stream: every live session after any of them changed. */
export const SessionsStateEventSchema = z.object({ sessions: z.array(SiteSessionStateSchema) });
export type SessionsStateEvent = z.infer<typeof SessionsStateEventSchema>;
