import { channels, roleMayCall, type ChannelName, type Role } from '../../shared/contract/channels.ts';
import { useConnection } from './services-context.tsx';

/** On hover over a control a viewer cannot use. */
export const VIEWER_REASON = 'Viewer (read-only): only an operator can do this; the server refuses it from this console';

/** On hover over a control a signer (drill sign-offs only) cannot use. */
export const SIGNER_REASON = 'Signer (drill sign-offs only): only an operator can do this; the server refuses it from this console';

/** Said once at the top of a screen a viewer watches. */
export const VIEWER_NOTE = 'Read-only (viewer) connection: you can watch, but the server refuses any action. An operator must act.';

/**
 * Why a console of `role` may not call `channel`, or null when it may. The contract says which
 * channels change things (`access: 'operate'`) and the server refuses those to a viewer; the
 * controls that call them are disabled with this reason, so nobody learns it from a refusal.
 */
export function refusalFor(role: Role | undefined, channel: ChannelName): string | null {
  if (!role || roleMayCall(role, channels[channel].access)) return null;
  return role === 'signer' ? SIGNER_REASON : VIEWER_REASON;
}

/** Viewer connections watch; the server refuses their actions, and the UI says so before they try. */
export function useIsViewer(): boolean {
  // A signer watches like a viewer; the one thing it may do (sign off) asks useRefusal.
  return useConnection((s) => s.session?.role === 'viewer' || s.session?.role === 'signer');
}

/** `refusal(channel)`: why this console may not call it (disable the control, show it on hover), or null. */
export function useRefusal(): (channel: ChannelName) => string | null {
  const role = useConnection((s) => s.session?.role);
  return (channel) => refusalFor(role, channel);
}
