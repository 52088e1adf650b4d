import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNEL_NAMES } from '../../shared/contract/channels.ts';
import {
  IPC_REQUEST_PREFIX, IPC_STREAM_PREFIX, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE, type BridgeResult,
} from '../../shared/contract/transport.ts';
import type { Core } from '../core/core.ts';
import type { LoggerPort } from '../core/ports.ts';
import { openClientSession, type ClientSession } from '../core/request-envelope.ts';
import { isSameOrigin } from './app-url.ts';

export interface IpcBridgeOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;
  core: Pick<Core, 'handle' | 'subscribe'>;
  logger: LoggerPort;
  /** The signed-in OS user, recorded in the audit log as the actor of every desktop call. */
  actor: string;
}

export interface IpcBridge {
  /** Accept calls from this webContents' main frame while it shows appUrl. */
  trust(contents: WebContents, appUrl: string): void;
  dispose(): void;
}

type Sender = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

interface TrustedContents {
  contents: WebContents;
  appUrl: string;
  session: ClientSession;
}

/**
 * Connects the preload bridge to the core. Calls are accepted only from windows this app created,
 * from their main frame, while it shows the app's own page: a page that got navigated elsewhere or
 * an embedded frame gets `forbidden`, and the core never hears of it. The desktop user is the
 * operator of their own console, so every trusted window is a session with role operator. What a
 * request answers and which errors keep their text is the core's request envelope; this only frames.
 */
export function createIpcBridge(options: IpcBridgeOptions): IpcBridge {
  const { ipcMain, core, logger, actor } = options;
  const trusted = new Map<number, TrustedContents>();

  const trustedSender = (event: Sender, what: string): TrustedContents | undefined => {
    const entry = trusted.get(event.sender.id);
    let frameUrl: string | undefined;
    try {
      // senderFrame is null (or throws, on older Electron) once the frame navigated away or was destroyed.
      const frame = event.senderFrame;
      if (frame && frame.parent === null) frameUrl = frame.url;
    } catch { /* treated as untrusted below */ }
    if (entry && frameUrl !== undefined && isSameOrigin(frameUrl, entry.appUrl)) return entry;
    logger.warn('Refused an IPC message from a sender the console did not create', {
      what, webContentsId: event.sender.id, frameUrl: frameUrl?.slice(0, 300) ?? null,
    });
    return undefined;
  };

  const request = (channel: string) => async (event: IpcMainInvokeEvent, payload: unknown): Promise<BridgeResult> => {
    const entry = trustedSender(event, channel);
    if (!entry) {
      return { ok: false, error: { code: 'forbidden', message: 'This page is not the Standby console, so it may not call the core.' } };
    }
    return entry.session.request(channel, payload);
  };

  const onSubscribe = (event: IpcMainEvent, stream: unknown) => {
    const entry = trustedSender(event, `subscribe ${String(stream).slice(0, 100)}`);
    if (!entry) return;
    const { contents } = entry;
    entry.session.subscribe(stream, (name, streamEvent) => {
      if (!contents.isDestroyed()) contents.send(IPC_STREAM_PREFIX + name, streamEvent);
    });
  };

  const onUnsubscribe = (event: IpcMainEvent, stream: unknown) => {
    const entry = trusted.get(event.sender.id);
    entry?.session.unsubscribe(stream);
  };

  const forget = (id: number) => {
    const entry = trusted.get(id);
    if (!entry) return;
    entry.session.close();
    trusted.delete(id);
  };

  for (const channel of CHANNEL_NAMES) ipcMain.handle(IPC_REQUEST_PREFIX + channel, request(channel));
  ipcMain.on(IPC_SUBSCRIBE, onSubscribe);
  ipcMain.on(IPC_UNSUBSCRIBE, onUnsubscribe);

  return {
    trust(contents, appUrl) {
      trusted.set(contents.id, { contents, appUrl, session: openClientSession(core, { role: 'operator', actor }, logger) });
      const id = contents.id; // read now: properties of a destroyed webContents throw
      contents.once('destroyed', () => forget(id));
    },
    dispose() {
      for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(IPC_REQUEST_PREFIX + channel);
      ipcMain.removeListener(IPC_SUBSCRIBE, onSubscribe);
      ipcMain.removeListener(IPC_UNSUBSCRIBE, onUnsubscribe);
      for (const id of [...trusted.keys()]) forget(id);
    },
  };
}
