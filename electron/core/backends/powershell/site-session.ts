import { ContractError } from '../../../../shared/contract/errors.ts';
import type { ConnectionProfile, RemotingFailure, SiteSessionState } from '../../../../shared/model/connections.ts';
import type { ClockPort, LoggerPort, TimerHandle } from '../../ports.ts';
import { bootstrapLine, operationLine, type JsonObject } from './argument-encoding.ts';
import { contractErrorOf, parseSessionEnvelope, type PsError, type RemoteEnvelope } from './ps-output.ts';
import { LOCAL_OPERATIONS, REMOTE_OPERATIONS, scriptPath, type RemoteOperation } from './script-catalog.ts';
import { ShellFailure, type PsShell, type PsShellFactory } from './ps-shell.ts';
import { poolSizeOf, SlotPool, type PoolStats } from './session-pool.ts';
import { adviseRemotingFailure } from './winrm-advice.ts';

/**
 * One site's connection: a pool of local PowerShell processes (lanes), each with sessions to every
 * cluster node, and the state the UI shows. Each lane runs one line at a time; lines go to whichever
 * lane is free, so a slow host's command holds one lane, not the site. A command that fails because
 * its shell died or timed out is reported failed and never re-sent (a failover sent twice is worse
 * than one reported lost); that lane's shell is rebuilt, and callers verify by re-reading.
 */

/** One local PowerShell and the order of the lines sent to it. */
class Lane {
  shell: PsShell | null = null;
  /** A reopen was tried for lines queued behind a loss; reset once the lane is back. */
  reopenedSinceLoss = false;
  /** Nodes whose session in this lane broke: its keep-alive reopens them. */
  readonly broken = new Set<string>();
  private chain: Promise<unknown> = Promise.resolve();
  get alive(): boolean { return this.shell?.alive === true; }
  serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => {});
    return run;
  }
}

export type Route =
  | { kind: 'node'; computerName: string }
  | { kind: 'cluster'; cluster: string }
  | { kind: 'cluster-nodes'; cluster: string }
  | { kind: 'site' };

export interface RunResult {
  results: { computerName: string; output: RemoteEnvelope }[];
  failures: PsError[];
  elapsedMs: number;
}

export interface SiteSessionOptions {
  profile: ConnectionProfile;
  password(): Promise<string | null>;
  shellFactory: PsShellFactory;
  scriptDirectory: string;
  clock: ClockPort;
  logger?: LoggerPort;
  backoff?: { initialMs: number; maxMs: number };
  /** Start keep-alives and automatic reconnects (off in tests that step by hand). */
  autoReconnect?: boolean;
}

const NODE_LOST = /NoOpenSession|NoValidRunspaces|PSSessionStateBroken|InvalidRunspaceState|ConnectionError|OpenError|WinRM/i;

export class SiteSession {
  private readonly options: SiteSessionOptions;
  private readonly pool: SlotPool<Lane>;
  private current: SiteSessionState;
  private readonly listeners = new Set<(state: SiteSessionState) => void>();
  private connecting: Promise<SiteSessionState> | null = null;
  private retryTimer: TimerHandle | null = null;
  private keepAliveTimer: TimerHandle | null = null;
  private disposed = false;

  constructor(options: SiteSessionOptions) {
    this.options = options;
    this.pool = new SlotPool(() => poolSizeOf(this.options.profile), () => new Lane());
    this.current = {
      siteId: options.profile.siteId, state: 'disconnected', since: options.clock.now(), attempt: 0,
      nextRetryAt: null, lastError: null, nodes: [], psVersion: null,
    };
  }

  get profile(): ConnectionProfile { return this.options.profile; }

  /** The pool's size, lanes made, lanes busy now and at most so far (the bench's peak sessions). */
  poolStats(): PoolStats & { open: number } {
    return { ...this.pool.stats(), open: this.pool.slots.filter((l) => l.alive).length };
  }

  state(): SiteSessionState { return this.current; }

  onState(listener: (state: SiteSessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(changes: Partial<SiteSessionState>): void {
    const next = { ...this.current, ...changes };
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    if (changes.state && changes.state !== this.current.state) next.since = this.options.clock.now();
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }

  /** Opens (or reopens) the first lane's shell and node sessions; resolves with the resulting state. */
  connect(): Promise<SiteSessionState> {
    if (this.connecting) return this.connecting;
    this.retryTimer?.cancel();
    this.retryTimer = null;
    const lane = this.pool.first();
    this.connecting = lane.serial(() => this.open(lane, true)).finally(() => { this.connecting = null; });
    return this.connecting;
  }

  private siteUp(): boolean { return this.current.state === 'connected' || this.current.state === 'degraded'; }

  /** `announce`: the site's state shows the (re)connect; a further lane opening on a live site does not. */
  private async open(lane: Lane, announce: boolean): Promise<SiteSessionState> {
    const { profile, timeouts } = { profile: this.options.profile, timeouts: this.options.profile.timeouts };
    if (announce) this.set({ state: 'connecting', nextRetryAt: null });
    await lane.shell?.dispose();
    lane.shell = null;
    try {
      const shell = this.options.shellFactory();
      lane.shell = shell;
      const boot = await shell.invoke(bootstrapLine(scriptPath(this.options.scriptDirectory, 'session'), {
        scriptDirectory: this.options.scriptDirectory,
        operations: [...REMOTE_OPERATIONS],
      }), timeouts.connectMs);
      const booted = parseSessionEnvelope(boot.stdout, 'session start');
      if (!booted.ok) throw new Error(booted.error.message ?? 'session start failed');
      const password = profile.username ? await this.options.password() : null;
      const connectArgs: JsonObject = {
        clusters: profile.clusters.map((c) => ({ cluster: c.cluster, nodes: c.nodes })),
        username: profile.username,
        password,
        configurationName: profile.configurationName,
        authentication: profile.authentication,
        useSsl: profile.useSsl,
        transport: profile.transport,
        sshUserName: profile.ssh.userName,
        sshKeyFilePath: profile.ssh.keyFilePath,
        sshPort: profile.ssh.port,
        connectTimeoutMs: timeouts.connectMs,
        operationTimeoutMs: timeouts.operationMs,
      };
      const nodeCount = Math.max(1, profile.clusters.reduce((n, c) => n + Math.max(1, c.nodes.length), 0));
      const out = await shell.invoke(operationLine('connect-site', connectArgs), timeouts.connectMs * Math.min(4, nodeCount));
      lane.broken.clear();
      this.applyStatus(out.stdout, 'connect-site');
      if (this.current.state === 'lost') {
        this.scheduleRetry();
      } else {
        this.set({ attempt: 0 });
        lane.reopenedSinceLoss = false;
        for (const other of this.pool.slots) other.reopenedSinceLoss = false;
        this.scheduleKeepAlive();
      }
    } catch (error) {
      this.lose(lane, error, 'connect');
    }
    return this.current;
  }

  private applyStatus(stdout: string, what: string): void {
    const envelope = parseSessionEnvelope(stdout, what);
    if (!envelope.ok) throw contractErrorOf(envelope.error, what);
    const data = ('data' in envelope ? envelope.data : null) as { psVersion?: string; nodes?: unknown } | null;
    const rows = Array.isArray(data?.nodes) ? data.nodes : data?.nodes ? [data.nodes] : [];
    const nodes = (rows as { computerName: string; cluster: string; connected: boolean; error: PsError | null }[]).map((n) => ({
      computerName: n.computerName,
      cluster: n.cluster,
      connected: n.connected === true,
      lastError: n.error ? adviseRemotingFailure(`${n.error.id ?? ''}: ${n.error.message ?? ''}`, n.computerName) : null,
    }));
    const up = nodes.filter((n) => n.connected).length;
    const clusters = this.options.profile.clusters.map((c) => c.cluster).join(', ');
    // No node at all is a failure too, and the user needs its sentence as much as any other.
    const firstError = nodes.find((n) => n.lastError)?.lastError
      ?? (nodes.length === 0 ? adviseRemotingFailure(`No cluster node was found for ${clusters}.`, clusters) : null);
    this.set({
      nodes,
      psVersion: data?.psVersion ?? this.current.psVersion,
      state: up === 0 ? 'lost' : up < nodes.length ? 'degraded' : 'connected',
      lastError: up === nodes.length && nodes.length > 0 ? null : firstError,
    });
  }

  /** A lane's shell ended: the site is lost only when no other lane is still alive. */
  private lose(lane: Lane, error: unknown, what: string): void {
    const detail = error instanceof Error ? error.message : String(error);
    const failure: RemotingFailure = adviseRemotingFailure(detail, this.options.profile.clusters[0]?.cluster ?? null);
    this.options.logger?.warn('PowerShell session lost', { site: this.options.profile.siteId, what, kind: failure.kind });
    void lane.shell?.dispose();
    lane.shell = null;
    if (this.siteUp() && this.pool.slots.some((l) => l !== lane && l.alive)) return;
    this.set({ state: 'lost', lastError: failure, nodes: this.current.nodes.map((n) => ({ ...n, connected: false })) });
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.disposed || this.options.autoReconnect === false) return;
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 1_000, maxMs: 60_000 };
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(16, this.current.attempt));
    this.set({ nextRetryAt: this.options.clock.now() + delay, attempt: this.current.attempt + 1 });
    this.retryTimer?.cancel();
    this.retryTimer = this.options.clock.setTimeout(() => { this.retryTimer = null; void this.connect(); }, delay);
  }

  private scheduleKeepAlive(): void {
    if (this.disposed || this.options.autoReconnect === false) return;
    this.keepAliveTimer?.cancel();
    this.keepAliveTimer = this.options.clock.setTimeout(() => { void this.keepAlive().finally(() => this.scheduleKeepAlive()); }, this.options.profile.timeouts.keepAliveMs);
  }

  /** Asks each live lane how its node sessions are, reopening the ones that dropped. */
  async keepAlive(): Promise<void> {
    await Promise.all(this.pool.slots.map((lane) => lane.serial(async () => {
      const shell = lane.shell;
      if (!shell?.alive) return;
      try {
        const reconnect = [...new Set([...this.current.nodes.filter((n) => !n.connected).map((n) => n.computerName), ...lane.broken])];
        const out = await shell.invoke(operationLine('site-status', { reconnect }), this.options.profile.timeouts.connectMs);
        lane.broken.clear();
        this.applyStatus(out.stdout, 'site-status');
      } catch (error) {
        this.lose(lane, error, 'keep-alive');
      }
    })));
  }

  /** Runs one operation; node-level failures come back in `failures`, a lost shell throws. */
  run(operation: RemoteOperation, route: Route, args: JsonObject, options: { timeoutMs?: number } = {}): Promise<RunResult> {
    if ((LOCAL_OPERATIONS as readonly string[]).includes(operation)) throw new ContractError('internal', `${operation} is not a remote operation.`);
    return this.onLane((lane) => this.send(lane, operation, route, args, options));
  }

  /** A free lane (one with a live shell first), held for the task and then handed to the next caller. */
  private async onLane<T>(task: (lane: Lane) => Promise<T>): Promise<T> {
    const lane = await this.pool.acquire((l) => l.alive);
    try {
      return await lane.serial(() => task(lane));
    } finally {
      this.pool.release(lane);
    }
  }

  private async send(lane: Lane, operation: RemoteOperation, route: Route, args: JsonObject, options: { timeoutMs?: number }): Promise<RunResult> {
    if (this.disposed) throw new ContractError('disconnected', `The session to ${this.options.profile.name} is closed.`);
    if (!lane.alive && this.siteUp()) {
      // A lane (new, or whose shell ended) on a site that other lanes keep up: not a reconnect.
      await this.open(lane, false);
    } else if (!lane.alive && this.options.autoReconnect !== false && !lane.reopenedSinceLoss) {
      // This line was never sent, so sending it on a new shell is its first and only send. Lines
      // queued behind one whose shell died would otherwise all fail unsent (each costing the
      // caller a retry) until the backoff timer fires. One immediate reopen per loss: if it
      // fails, the rest fail at once and the backoff decides when to try again.
      lane.reopenedSinceLoss = true;
      this.retryTimer?.cancel();
      this.retryTimer = null;
      await this.open(lane, !this.siteUp());
    }
    const shell = lane.shell;
    if (!shell?.alive) {
      const advice = this.current.lastError?.advice ?? 'Standby is still connecting.';
      throw new ContractError('disconnected', `Not connected to ${this.options.profile.name}. ${advice}`, this.options.profile.siteId);
    }
    const timeoutMs = options.timeoutMs ?? this.options.profile.timeouts.commandMs;
    let out;
    try {
      out = await shell.invoke(operationLine(operation, { ...args, route }), timeoutMs);
    } catch (error) {
      this.lose(lane, error, operation);
      const sent = `${operation} was sent once and not repeated; Standby re-reads the estate to see whether it took effect.`;
      if (error instanceof ShellFailure && error.kind === 'timeout') {
        throw new ContractError('timeout', `${this.options.profile.name}: no answer to ${operation} within ${Math.round(timeoutMs / 1000)} s. ${sent}`, this.options.profile.siteId);
      }
      throw new ContractError('backend', `${this.options.profile.name}: the PowerShell session ended during ${operation}. ${sent}`, this.options.profile.siteId);
    }
    // stderr alone does not fail a command whose answer arrived whole: profiles and modules write
    // noise there, and calling a completed failover failed would invite running it twice.
    if (out.stdout.trim() === '' && out.stderr.trim() !== '') {
      throw new ContractError('backend', `${operation}: ${out.stderr.trim().split(/\r?\n/)[0]}`, this.options.profile.siteId);
    }
    if (out.stderr.trim() !== '') this.options.logger?.debug('PowerShell stderr', { site: this.options.profile.siteId, operation, stderr: out.stderr.slice(0, 500) });
    const envelope = parseSessionEnvelope(out.stdout, operation);
    if (!envelope.ok) throw contractErrorOf(envelope.error, operation);
    if (!('results' in envelope)) throw new ContractError('backend', `${operation}: the session answered without results; nothing was applied.`);
    if (envelope.failures.some((f) => NODE_LOST.test(`${f.id} ${f.category}`))) {
      const lost = new Set(envelope.failures.map((f) => (f.computerName ?? '').toLowerCase()));
      for (const f of envelope.failures) if (f.computerName) lane.broken.add(f.computerName);
      const nodes = this.current.nodes.map((n) => (lost.has(n.computerName.toLowerCase()) ? { ...n, connected: false } : n));
      const up = nodes.filter((n) => n.connected).length;
      const failure = envelope.failures[0]!;
      this.set({ nodes, state: up === 0 ? 'lost' : 'degraded', lastError: adviseRemotingFailure(`${failure.id}: ${failure.message}`, failure.computerName ?? null) });
    }
    return { results: envelope.results, failures: envelope.failures, elapsedMs: out.elapsedMs };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.retryTimer?.cancel();
    this.keepAliveTimer?.cancel();
    await Promise.all(this.pool.slots.map((lane) => lane.serial(async () => {
      if (lane.alive) await lane.shell!.invoke(operationLine('disconnect-site', {}), 5_000).catch(() => {});
      await lane.shell?.dispose();
      lane.shell = null;
    })));
    this.set({ state: 'disconnected' });
  }
}
