export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'unauthorized';

/**
 * What the renderer needs from whatever carries messages to the core: the Electron preload bridge
 * or the browser server's WebSocket. Untyped on purpose: the client validates what comes back.
 */
export interface Transport {
  readonly kind: 'ipc' | 'websocket';
  request(channel: string, payload: unknown): Promise<unknown>;
  /** Listener gets raw events; returns the unsubscribe function. */
  subscribe(stream: string, listener: (event: unknown) => void): () => void;
  onStateChange(listener: (state: ConnectionState, detail?: string) => void): () => void;
  close(): void;
}

/** The object the preload script exposes as `window.standby`. */
export interface PreloadBridge {
  invoke(channel: string, payload: unknown): Promise<BridgeResult>;
  /** Subscribes to a stream; returns an unsubscribe function. */
  on(stream: string, listener: (event: unknown) => void): () => void;
}

export type BridgeResult = { ok: true; body: unknown } | { ok: false; error: { code: string; message: string; where?: string } };

export const IPC_REQUEST_PREFIX = 'standby:req:';
export const IPC_STREAM_PREFIX = 'standby:evt:';
export const IPC_SUBSCRIBE = 'standby:subscribe';
export const IPC_UNSUBSCRIBE = 'standby:unsubscribe';
