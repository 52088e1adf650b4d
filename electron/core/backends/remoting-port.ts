import type { ConnectionProfile, RemotingFailure, SiteSessionState } from '../../../shared/model/connections.ts';
import type { HyperVBackend } from './backend-port.ts';

/**
 * The remoting side of the backend port: what the connections service needs to test a profile and
 * to start a remoting backend, without knowing how remoting is done. The composition root (core.ts)
 * constructs the implementation (backends/powershell/powershell-remoting.ts) and injects it.
 */

/** One connection to a site, as the Connections screen sees it. */
export interface RemoteSiteSession {
  readonly profile: ConnectionProfile;
  state(): SiteSessionState;
  onState(listener: (state: SiteSessionState) => void): () => void;
  connect(): Promise<SiteSessionState>;
  dispose(): Promise<void>;
}

export interface RemotingFactory {
  /** The local shell the sessions run, as the Connections screen shows it. */
  readonly executable: string;
  /** A session to one site; nothing starts before connect(). */
  session(profile: ConnectionProfile, password: () => Promise<string | null>, options: { autoReconnect: boolean }): RemoteSiteSession;
  /** The backend over sessions this factory made; disposing the backend disposes them. */
  backend(sessions: readonly RemoteSiteSession[]): HyperVBackend;
  /** The failure to report, in plain words with what to do, for a remoting error's text. */
  adviseFailure(detail: string, computerName: string | null): RemotingFailure;
}
