import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * An OpenSSH server on loopback that serves PowerShell remoting over SSH (the `powershell` subsystem,
 * as Microsoft documents it for PowerShell 7: `Subsystem powershell pwsh -sshs -NoLogo`), one address
 * per cluster node (127.0.0.2, 127.0.0.3, ...), own host keys, key authentication, a high port.
 * The subsystem is a wrapper that learns which host it is from the address the client dialled
 * (SSH_CONNECTION), sets COMPUTERNAME and the emulation's environment, and execs `pwsh -sshs`.
 * The local side resolves node names through an ssh config: an `ssh` first on the local pwsh's PATH
 * that runs the real one with `-F <that config>` (OpenSSH reads ~/.ssh from the passwd entry, not $HOME).
 */

export interface SshLoopbackOptions {
  /** Node names, each given its own loopback address. */
  hosts: string[];
  /** More names for a host (a cluster name that answers on one of its nodes). */
  aliases?: Record<string, string>;
  /** Environment of every remote pwsh (the emulation's bridge URL, token, types, PSModulePath...). */
  remoteEnv: Record<string, string>;
  /** A session configuration file (.pssc) for the remote pwsh (pwsh -ConfigurationFile). */
  configurationFile?: string;
  /** pwsh executable (default: `pwsh` on PATH). */
  pwsh?: string;
}

export interface SshLoopback {
  readonly port: number;
  readonly userName: string;
  readonly keyFile: string;
  addressOf(host: string): string;
  /** Environment for the local pwsh (node-powershell's shell): PATH with the configured ssh first. */
  localEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Process ids of the remote pwsh sessions that are alive, by host. */
  sessions(host?: string): number[];
  /** Kills the remote pwsh processes (of one host, or all): their PSSessions break. */
  killSessions(host?: string, signal?: NodeJS.Signals): number;
  /** Stops the server: the listener and every connection it holds. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  dispose(): Promise<void>;
}

const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** An absolute path for a command name, as this process's PATH finds it. */
function resolveExecutable(name: string): string {
  if (name.includes('/')) return name;
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' }).stdout.trim();
  return found || name;
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

export async function startSshLoopback(options: SshLoopbackOptions): Promise<SshLoopback> {
  const pwsh = resolveExecutable(options.pwsh ?? 'pwsh');
  const dir = mkdtempSync(join(tmpdir(), 'standby-ssh-'));
  const sessionsDir = join(dir, 'sessions');
  const binDir = join(dir, 'bin');
  mkdirSync(sessionsDir);
  mkdirSync(binDir);
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const keyFile = join(dir, 'client_ed25519');
  await Promise.all([
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]),
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]),
  ]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${keyFile}.pub`));
  const port = await freePort();
  const addresses = new Map(options.hosts.map((h, i) => [h.toLowerCase(), `127.0.0.${i + 2}`]));
  const userName = process.env.USER || 'root';
  writeFileSync(join(dir, 'hostmap'), options.hosts.map((h) => `${addresses.get(h.toLowerCase())} ${h}\n`).join(''));
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const wrapper = join(dir, 'powershell-subsystem.sh');
  writeFileSync(wrapper, [
    '#!/bin/sh',
    '# The powershell subsystem of one emulated Hyper-V host: which host is told by the address dialled.',
    'set -- $SSH_CONNECTION',
    `COMPUTERNAME=$(awk -v a="$3" '$1 == a { print $2 }' ${quote(join(dir, 'hostmap'))})`,
    'export COMPUTERNAME',
    // sshd gives a subsystem a bare PATH: pass on the one pwsh (a .NET global tool) and dotnet are found on.
    ...Object.entries({ PATH: process.env.PATH ?? '/usr/bin:/bin', ...(process.env.DOTNET_ROOT ? { DOTNET_ROOT: process.env.DOTNET_ROOT } : {}), ...options.remoteEnv }).map(([k, v]) => `export ${k}=${quote(v)}`),
    `echo "$COMPUTERNAME" > ${quote(sessionsDir)}/$$`,
    `exec ${quote(pwsh)} -sshs -NoLogo -NoProfile${options.configurationFile ? ` -ConfigurationFile ${quote(options.configurationFile)}` : ''}`,
    '',
  ].join('\n'));
  chmodSync(wrapper, 0o755);
  const sshdConfig = join(dir, 'sshd_config');
  writeFileSync(sshdConfig, [
    `Port ${port}`,
    ...[...addresses.values()].map((a) => `ListenAddress ${a}`),
    `HostKey ${hostKey}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UsePAM no',
    'UseDNS no',
    'AcceptEnv STANDBY_EMU_SHELL',
    'MaxStartups 100:30:200',
    'MaxSessions 50',
    'LogLevel ERROR',
    `Subsystem powershell ${wrapper}`,
    '',
  ].join('\n'));
  const clientConfig = join(dir, 'ssh_config');
  writeFileSync(clientConfig, [
    // New-PSSession -HostName lower-cases the name before it runs ssh, and ssh's Host patterns are
    // case-sensitive: list both spellings.
    ...options.hosts.map((h) => `Host ${h} ${h.toLowerCase()}\n  HostName ${addresses.get(h.toLowerCase())}\n`),
    ...Object.entries(options.aliases ?? {}).map(([alias, h]) => `Host ${alias} ${alias.toLowerCase()}\n  HostName ${addresses.get(h.toLowerCase())}\n`),
    'Host *',
    `  Port ${port}`,
    `  User ${userName}`,
    `  IdentityFile ${keyFile}`,
    '  IdentitiesOnly yes',
    '  StrictHostKeyChecking no',
    '  UserKnownHostsFile /dev/null',
    '  BatchMode yes',
    '  SendEnv STANDBY_EMU_SHELL',
    '  ServerAliveInterval 5',
    '  LogLevel ERROR',
    '',
  ].join('\n'));
  const ssh = join(binDir, 'ssh');
  writeFileSync(ssh, `#!/bin/sh\nexec /usr/bin/ssh -F ${quote(clientConfig)} "$@"\n`);
  chmodSync(ssh, 0o755);
  // sshd's privilege separation needs this directory (Debian's service unit creates it).
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  let sshd: ChildProcess | null = null;
  const startServer = async () => {
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', sshdConfig], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    sshd = child;
    // Its own process group (so stopServer reaches its connections too): it must not outlive the tests.
    const reap = () => { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ } };
    process.once('exit', reap);
    child.once('exit', () => process.off('exit', reap));
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    // Ready when every address accepts a connection.
    const deadline = Date.now() + 10_000;
    for (const address of addresses.values()) {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
        const ok = await new Promise<boolean>((resolve) => {
          const c = connect({ host: address, port }, () => { c.destroy(); resolve(true); });
          c.on('error', () => resolve(false));
        });
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`sshd did not listen on ${address}:${port}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const sessions = (host?: string) => readdirSync(sessionsDir).flatMap((f) => {
    const pid = Number(f);
    if (!alive(pid)) return [];
    const name = readFileSync(join(sessionsDir, f), 'utf8').trim();
    return !host || name.toLowerCase() === host.toLowerCase() ? [pid] : [];
  });
  const killSessions = (host?: string, signal: NodeJS.Signals = 'SIGKILL') => {
    const pids = sessions(host);
    for (const pid of pids) { try { process.kill(pid, signal); } catch { /* gone */ } }
    return pids.length;
  };
  const stopServer = async () => {
    const child = sshd;
    sshd = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      // The listener and the per-connection sshd processes (same process group), then the sessions.
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { child.kill('SIGTERM'); }
      await exited;
    }
    killSessions();
  };
  await startServer();
  return {
    port, userName, keyFile,
    addressOf: (host) => addresses.get(host.toLowerCase()) ?? '',
    localEnv: (extra = {}) => ({ ...process.env, ...extra, PATH: `${binDir}:${process.env.PATH ?? ''}` }),
    sessions, killSessions, stopServer, startServer,
    async dispose() {
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
