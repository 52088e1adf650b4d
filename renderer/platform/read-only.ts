import { channels, type ChannelName, type Role } from '../../shared/contract/channels.ts';
import { useConnection } from './services-context.tsx';

/** On hover over a control a viewer cannot use. */
export const VIEWER_REASON = 'Viewer (read-only): only an operator can do this; the server refuses it from this console';

/** Said once at the top of a screen a viewer watches. */
export const VIEWER_NOTE = 'Read-only (viewer) connection: you can watch, but the server refuses any action. An operator must act.';

/**
 * Why a console of `role` may not call `channel`, or null when it may. The contract says which
 * channels change things (`access: 'operate'`) and the server refuses those to a viewer; the
 * controls that call them are disabled with this reason, so nobody learns it from a refusal.
 */
export function refusalFor(role: Role | undefined, channel: ChannelName): string | null {
  return role === 'viewer' && channels[channel].access === 'operate' ? VIEWER_REASON : null;
}

/** Viewer connections watch; the server refuses their actions, and the UI says so before they try. */
export function useIsViewer(): boolean {
  return useConnection((s) => s.session?.role === 'viewer');
}

/** `refusal(channel)`: why this console may not call it (disable the control, show it on hover), or null. */
export function useRefusal(): (channel: ChannelName) => string | null {
  const role = useConnection((s) => s.session?.role);
  return (channel) => refusalFor(role, channel);
}
