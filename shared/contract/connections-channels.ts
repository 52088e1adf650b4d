import { z } from 'zod';
import { request, stream } from './define.ts';
import {
  BackendKindSchema, ConnectionEntrySchema, ConnectionSaveRequestSchema, ConnectionsListSchema, ConnectionTestRequestSchema,
  ConnectionTestResultSchema, SessionsStateEventSchema, SiteSessionStateSchema,
} from '../model/connections.ts';

const SiteRef = z.object({ siteId: z.string().min(1).max(100) }).strict();

/**
 * Connection profiles (one per site) and the PowerShell sessions built from them. A password goes in
 * once, through connections.save or connections.test, and never comes back out.
 */
export const connectionsChannels = {
  'connections.list': request({
    access: 'read',
    summary: 'Connection profiles per site (never a password), live session states, and which backend runs',
    request: z.object({}),
    response: ConnectionsListSchema,
  }),
  'connections.save': request({
    access: 'operate',
    summary: 'Create or replace the profile of a site; a password, when given, goes to the secret store and is never echoed',
    request: ConnectionSaveRequestSchema,
    response: z.object({ entry: ConnectionEntrySchema, restartRequired: z.boolean() }),
  }),
  'connections.delete': request({
    access: 'operate',
    summary: 'Remove the profile of a site and its stored password',
    request: SiteRef,
    response: z.object({ restartRequired: z.boolean() }),
  }),
  'connections.test': request({
    access: 'operate',
    summary: 'Open a temporary session with a profile, report each node with what to do about a failure, and close it',
    request: ConnectionTestRequestSchema,
    response: ConnectionTestResultSchema,
  }),
  'connections.reconnect': request({
    access: 'operate',
    summary: 'Reopen the live session of a site now instead of waiting for the next retry',
    request: SiteRef,
    response: SiteSessionStateSchema,
  }),
  'connections.setBackend': request({
    access: 'operate',
    summary: 'Choose the backend for the next start: the lab, or PowerShell remoting with the saved profiles',
    request: z.object({ backend: BackendKindSchema }).strict(),
    response: z.object({ preferred: BackendKindSchema, restartRequired: z.boolean() }),
  }),
} as const;

export const connectionsStreams = {
  'sessions.state': stream({
    summary: 'Every live PowerShell session after any of them changed state',
    event: SessionsStateEventSchema,
  }),
} as const;
