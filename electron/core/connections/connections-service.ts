import { ContractError } from '../../../shared/contract/errors.ts';
import {
  ConnectionProfileSchema, type BackendKind, type ConnectionEntry, type ConnectionProfile, type ConnectionSaveRequest,
  type ConnectionsList, type ConnectionTestRequest, type ConnectionTestResult, type SiteSessionState,
} from '../../../shared/model/connections.ts';
import type { CorePorts } from '../ports.ts';
import type { HyperVBackend } from '../backends/backend-port.ts';
import { createPowerShellBackend } from '../backends/powershell/powershell-backend.ts';
import { createNodePowerShell, type PsShell } from '../backends/powershell/ps-shell.ts';
import { DEFAULT_SCRIPT_DIRECTORY } from '../backends/powershell/script-catalog.ts';
import { SiteSession } from '../sessions/site-session.ts';
import { adviseRemotingFailure } from '../sessions/winrm-advice.ts';
import { loadProfiles, profileFilePath, writeProfiles } from './profile-file.ts';

/**
 * Connection profiles, their passwords, and the sessions built from them.
 *
 * - Profiles live in a file in the data folder; passwords only in the secret store, under a
 *   credentialRef the core assigns (a client cannot point a profile at some other secret).
 * - A stored password is only ever sent to the hosts it was saved for: changing the hosts, the user,
 *   the authentication or TLS of a profile drops it until the password is typed again, and testing
 *   a form whose hosts differ from the saved profile needs the password typed.
 * - Live sessions exist only when the PowerShell backend runs; tests open their own and close them.
 */

export interface ConnectionsServiceOptions {
  ports: CorePorts;
  /** Called with every live session after any of them changed. */
  onSessions(sessions: SiteSessionState[]): void;
  /** The local PowerShell: STANDBY_POWERSHELL, else "powershell" on Windows and "pwsh" elsewhere. */
  executable?: string;
  /** Environment of the shells (tests pass the double's hub). */
  shellEnv?: NodeJS.ProcessEnv;
  scriptDirectory?: string;
  /** Replaces node-powershell entirely (unit tests). */
  shellFactory?: () => PsShell;
  backoff?: { initialMs: number; maxMs: number };
  /** At most this many connection tests at once; each starts a PowerShell process. */
  maxConcurrentTests?: number;
}

function defaultExecutable(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const configured = env.STANDBY_POWERSHELL?.trim();
  if (configured) return configured;
  return platform === 'win32' ? 'powershell' : 'pwsh';
}

export function credentialRefFor(siteId: string): string {
  return `standby.connection.${siteId}`;
}

/** What a stored password is bound to: change any of it and the password must be typed again. */
function passwordBinding(profile: ConnectionProfile): string {
  return JSON.stringify({
    user: (profile.username ?? '').toLowerCase(),
    auth: profile.authentication,
    ssl: profile.useSsl,
    targets: profile.clusters.map((c) => [c.cluster.toLowerCase(), [...c.nodes].map((n) => n.toLowerCase()).sort()]).sort(),
  });
}

/** The profile as the core keeps it: user name trimmed (empty is none), credentialRef assigned. */
function normalize(input: ConnectionProfile): ConnectionProfile {
  const username = input.username?.trim() ? input.username.trim() : null;
  const profile = ConnectionProfileSchema.parse({
    ...input,
    name: input.name.trim(),
    location: input.location.trim(),
    username,
    credentialRef: username ? credentialRefFor(input.siteId) : null,
  });
  const seen = new Map<string, string>();
  for (const endpoint of profile.clusters) {
    const key = endpoint.cluster.toLowerCase();
    if (seen.has(key)) throw new ContractError('bad-request', `The cluster ${endpoint.cluster} is listed twice in this connection.`, 'profile.clusters');
    seen.set(key, endpoint.cluster);
  }
  return profile;
}

export class ConnectionsService {
  private readonly options: ConnectionsServiceOptions;
  private readonly file: string;
  private profiles: ConnectionProfile[] = [];
  private preferred: BackendKind | null = null;
  private readonly passwords = new Map<string, boolean>();
  private live: SiteSession[] = [];
  /** passwordBinding + name of each profile the live backend started with. */
  private liveSignature: string | null = null;
  private activeKind: BackendKind = 'lab';
  private tests = 0;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(options: ConnectionsServiceOptions) {
    this.options = options;
    this.file = profileFilePath(options.ports.dataDir);
  }

  get executable(): string {
    return this.options.executable ?? defaultExecutable();
  }

  async init(): Promise<void> {
    const loaded = await loadProfiles(this.file);
    for (const problem of loaded.problems) this.options.ports.logger.warn(problem);
    this.profiles = [];
    for (const profile of loaded.profiles) {
      try {
        this.profiles.push(normalize(profile));
      } catch (error) {
        this.options.ports.logger.warn(`Connection profile ${profile.siteId} left out: ${(error as Error).message}`);
      }
    }
    this.preferred = loaded.backend;
    await Promise.all(this.profiles.map((p) => this.refreshHasPassword(p)));
  }

  private async refreshHasPassword(profile: ConnectionProfile): Promise<boolean> {
    const has = profile.credentialRef ? ((await this.options.ports.secrets.get(profile.credentialRef)) ?? '') !== '' : false;
    this.passwords.set(profile.siteId, has);
    return has;
  }

  private entry(profile: ConnectionProfile): ConnectionEntry {
    const hasPassword = this.passwords.get(profile.siteId) === true;
    const problems: string[] = [];
    if (profile.username && !hasPassword) {
      problems.push(`No password is stored for ${profile.username}: type it and save (a server restart or a changed host forgets it).`);
    }
    return { profile, hasPassword, complete: problems.length === 0, problems };
  }

  /** The preference: the Connections screen's choice, else settings.backend, else the lab. */
  preferredBackend(): BackendKind {
    if (this.preferred) return this.preferred;
    const settings = this.options.ports.settings.read() as { backend?: unknown } | undefined;
    return settings?.backend === 'powershell' ? 'powershell' : 'lab';
  }

  private signature(profiles: ConnectionProfile[]): string {
    return JSON.stringify(profiles.map((p) => [p.siteId, p.name, p.role, p.configurationName, p.timeouts, passwordBinding(p)]).sort());
  }

  private restartRequired(): boolean {
    const complete = this.profiles.filter((p) => this.entry(p).complete);
    const wantPowerShell = this.preferredBackend() === 'powershell' && complete.length > 0;
    if (wantPowerShell !== (this.activeKind === 'powershell')) return true;
    return this.activeKind === 'powershell' && this.signature(complete) !== this.liveSignature;
  }

  list(): ConnectionsList {
    return {
      entries: this.profiles.map((p) => this.entry(p)),
      sessions: this.live.map((s) => s.state()),
      backend: { active: this.activeKind, preferred: this.preferredBackend(), restartRequired: this.restartRequired(), executable: this.executable },
      file: this.file,
    };
  }

  private persist(): Promise<void> {
    const content = { backend: this.preferred, profiles: this.profiles };
    const write = this.writing.then(() => writeProfiles(this.file, content));
    this.writing = write.catch(() => {});
    return write;
  }

  async save(request: ConnectionSaveRequest, actor: string): Promise<{ entry: ConnectionEntry; restartRequired: boolean }> {
    const profile = normalize(request.profile);
    const password = request.password ?? '';
    if (password !== '' && !profile.username) {
      throw new ContractError('bad-request', 'A password needs a user name: enter DOMAIN\\user, or leave both empty to connect as the signed-in Windows user.', 'password');
    }
    for (const other of this.profiles) {
      if (other.siteId === profile.siteId) continue;
      const clash = profile.clusters.find((c) => other.clusters.some((o) => o.cluster.toLowerCase() === c.cluster.toLowerCase()));
      if (clash) throw new ContractError('bad-request', `The cluster ${clash.cluster} is already in the connection of ${other.name}.`, 'profile.clusters');
    }
    const previous = this.profiles.find((p) => p.siteId === profile.siteId);
    const secrets = this.options.ports.secrets;
    const ref = credentialRefFor(profile.siteId);
    if (!profile.username) {
      await secrets.delete(ref);
    } else if (password !== '') {
      await secrets.set(ref, password);
    } else if (!previous || passwordBinding(previous) !== passwordBinding(profile)) {
      // The stored password was given for other hosts (or another user): it is not sent to these.
      await secrets.delete(ref);
    }
    this.profiles = previous ? this.profiles.map((p) => (p.siteId === profile.siteId ? profile : p)) : [...this.profiles, profile];
    await this.refreshHasPassword(profile);
    await this.persist();
    this.options.ports.logger.info('Connection profile saved', {
      actor, site: profile.siteId, clusters: profile.clusters.map((c) => c.cluster), user: profile.username, passwordChanged: password !== '',
    });
    return { entry: this.entry(profile), restartRequired: this.restartRequired() };
  }

  async delete(siteId: string, actor: string): Promise<{ restartRequired: boolean }> {
    const previous = this.profiles.find((p) => p.siteId === siteId);
    if (!previous) throw new ContractError('not-found', `There is no connection for the site "${siteId}".`, 'siteId');
    this.profiles = this.profiles.filter((p) => p.siteId !== siteId);
    this.passwords.delete(siteId);
    await this.options.ports.secrets.delete(credentialRefFor(siteId));
    await this.persist();
    this.options.ports.logger.info('Connection profile deleted', { actor, site: siteId });
    return { restartRequired: this.restartRequired() };
  }

  async setBackend(backend: BackendKind, actor: string): Promise<{ preferred: BackendKind; restartRequired: boolean }> {
    if (backend === 'powershell' && !this.profiles.some((p) => this.entry(p).complete)) {
      throw new ContractError('invalid-state', 'Save at least one complete connection (clusters, and the password when a user name is set) before choosing PowerShell.', 'backend');
    }
    this.preferred = backend;
    await this.persist();
    this.options.ports.logger.info('Backend chosen for the next start', { actor, backend });
    return { preferred: this.preferredBackend(), restartRequired: this.restartRequired() };
  }

  private shellFactory(): () => PsShell {
    if (this.options.shellFactory) return this.options.shellFactory;
    const executable = this.executable;
    const env = this.options.shellEnv;
    return () => createNodePowerShell(env ? { executable, env } : { executable });
  }

  private session(profile: ConnectionProfile, password: () => Promise<string | null>, autoReconnect: boolean): SiteSession {
    return new SiteSession({
      profile, password, autoReconnect,
      shellFactory: this.shellFactory(),
      scriptDirectory: this.options.scriptDirectory ?? DEFAULT_SCRIPT_DIRECTORY,
      clock: this.options.ports.clock,
      logger: this.options.ports.logger,
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
    });
  }

  /** Opens a temporary session with the profile, reports every node, and closes it. */
  async test(request: ConnectionTestRequest, actor: string): Promise<ConnectionTestResult> {
    const profile = normalize(request.profile);
    let password: string | null = null;
    if (profile.username) {
      if (request.password) {
        password = request.password;
      } else {
        const saved = this.profiles.find((p) => p.siteId === profile.siteId);
        const stored = saved?.credentialRef ? await this.options.ports.secrets.get(saved.credentialRef) : null;
        if (!saved || !stored || passwordBinding(saved) !== passwordBinding(profile)) {
          throw new ContractError('bad-request', saved && stored
            ? 'Type the password to test these hosts: Standby only sends a stored password to the hosts, user and authentication it was saved for.'
            : `Type the password for ${profile.username} to test the connection.`, 'password');
        }
        password = stored;
      }
    } else if (request.password) {
      throw new ContractError('bad-request', 'A password needs a user name: enter DOMAIN\\user, or leave both empty to connect as the signed-in Windows user.', 'password');
    }
    const limit = this.options.maxConcurrentTests ?? 4;
    if (this.tests >= limit) throw new ContractError('invalid-state', `${limit} connection tests are already running; wait for one to finish.`);
    this.tests += 1;
    const started = this.options.ports.clock.now();
    const session = this.session(profile, async () => password, false);
    try {
      const state = await session.connect();
      const failure = state.state === 'connected' ? null
        : state.lastError ?? adviseRemotingFailure(`No node answered for ${profile.clusters.map((c) => c.cluster).join(', ')}.`, profile.clusters[0]?.cluster ?? null);
      this.options.ports.logger.info('Connection tested', { actor, site: profile.siteId, state: state.state, failure: failure?.kind ?? null });
      return {
        ok: state.state === 'connected',
        state: state.state === 'connected' || state.state === 'degraded' ? state.state : 'lost',
        elapsedMs: Math.max(0, this.options.ports.clock.now() - started),
        nodes: state.nodes,
        failure,
        psVersion: state.psVersion,
      };
    } finally {
      this.tests -= 1;
      await session.dispose().catch((error: unknown) => this.options.ports.logger.warn('Closing a test session failed', { error: String(error) }));
    }
  }

  async reconnect(siteId: string, actor: string): Promise<SiteSessionState> {
    const session = this.live.find((s) => s.profile.siteId === siteId);
    if (!session) {
      const known = this.profiles.some((p) => p.siteId === siteId);
      throw new ContractError(known ? 'invalid-state' : 'not-found', known
        ? `${this.activeKind === 'lab' ? 'The lab is the active backend' : 'This connection was saved after Standby started'}: there is no live session to ${siteId} to reconnect. Use Test connection, or restart Standby on the PowerShell backend.`
        : `There is no connection for the site "${siteId}".`, 'siteId');
    }
    this.options.ports.logger.info('Reconnect requested', { actor, site: siteId });
    return session.connect();
  }

  /**
   * The PowerShell backend over the complete profiles, when it is the preferred backend and at least
   * one profile is complete; undefined keeps the lab. Calling it makes the sessions live.
   */
  backendChoice(): (() => HyperVBackend) | undefined {
    const complete = this.profiles.filter((p) => this.entry(p).complete);
    if (this.preferredBackend() !== 'powershell' || complete.length === 0) return undefined;
    return () => {
      if (this.live.length > 0) throw new Error('The PowerShell backend was already created.');
      const secrets = this.options.ports.secrets;
      this.live = complete.map((profile) => this.session(profile, async () => (profile.credentialRef ? secrets.get(profile.credentialRef) : null), true));
      for (const session of this.live) session.onState(() => this.options.onSessions(this.live.map((s) => s.state())));
      this.activeKind = 'powershell';
      this.liveSignature = this.signature(complete);
      this.options.ports.logger.info(`PowerShell backend chosen: ${complete.map((p) => p.name).join(', ')} through ${this.executable}`);
      return createPowerShellBackend({ sessions: this.live, clock: this.options.ports.clock, logger: this.options.ports.logger });
    };
  }

  async dispose(): Promise<void> {
    await this.writing;
    // The backend disposes the live sessions it was given; disposing twice is harmless.
    await Promise.all(this.live.map((s) => s.dispose().catch(() => {})));
  }
}
