import { z } from 'zod';
import { request, stream, type RequestChannel, type WireCodec, type Access } from './define.ts';
import { EstateSnapshotSchema, PatchBatchSchema } from '../model/estate.ts';
import { SettingsSchema, SettingsUpdateSchema } from '../model/settings.ts';
import { DataProblemSchema } from '../model/data-problems.ts';
import { replicationChannels, replicationStreams } from './replication-channels.ts';
import { recoveryChannels, recoveryStreams } from './recovery-channels.ts';
import { migrationChannels, migrationStreams } from './migration-channels.ts';
import { connectionsChannels, connectionsStreams } from './connections-channels.ts';
import { labChannels, labStreams } from './lab-channels.ts';
import { checkPatchBatch } from './patch-batch-check.ts';
import { compactWire } from './compact-wire.ts';

/** How estate.snapshot travels; exported for the tests and benchmarks that look at the wire. */
export const estateSnapshotWire = compactWire(EstateSnapshotSchema);

/**
 * operator: may do everything. signer: watches like a viewer and may sign off a drill's applications
 * (an application owner or clinical lead, who must not be able to start a failover). viewer: watches.
 */
export const RoleSchema = z.enum(['operator', 'signer', 'viewer']);
export type Role = z.infer<typeof RoleSchema>;

/** Whether a role may call a channel of this access: the dispatcher refuses, the console disables. */
export function roleMayCall(role: Role, access: Access): boolean {
  return access === 'read' || role === 'operator' || (access === 'attest' && role === 'signer');
}

/**
 * Every request channel, declared once. The renderer's client, the core's dispatcher, the IPC
 * bridge's allow-list and the server's access check are all derived from this object.
 */
export const channels = {
  'session.info': request({
    access: 'read',
    summary: 'Who is connected, with which role, to which backend',
    request: z.object({}),
    response: z.object({
      role: RoleSchema,
      /** The name this connection's actions are recorded under (the OS user, a token's holder). */
      actor: z.string().optional(),
      version: z.string(),
      backend: z.enum(['lab', 'powershell']),
      /** What the console could not read in its data folder and kept aside (file, line, why). */
      dataProblems: z.object({ problems: z.array(DataProblemSchema), total: z.number().int() }),
    }),
  }),
  'estate.snapshot': request({
    access: 'read',
    summary: 'The whole estate: sites, clusters, hosts, VMs, clock',
    request: z.object({}),
    response: EstateSnapshotSchema,
    // 27 MB of plain JSON for 10,000 VMs; about a fifth compact, and decoding it is its validation.
    wire: estateSnapshotWire,
  }),
  'settings.get': request({
    access: 'read',
    summary: 'Console settings shared by every window on this installation',
    request: z.object({}),
    response: SettingsSchema,
  }),
  'settings.update': request({
    access: 'operate',
    summary: 'Change console settings; answers with the settings as stored',
    request: SettingsUpdateSchema,
    response: SettingsSchema,
  }),
  ...replicationChannels,
  ...labChannels,
  ...recoveryChannels,
  ...migrationChannels,
  ...connectionsChannels,
} as const;

export const streams = {
  'estate.patches': stream({
    summary: 'Batched changes to the estate since the snapshot',
    event: PatchBatchSchema,
    clientCheck: checkPatchBatch,
  }),
  'settings.changed': stream({
    summary: 'Settings after any change, from any window',
    event: SettingsSchema,
  }),
  ...replicationStreams,
  ...labStreams,
  ...recoveryStreams,
  ...migrationStreams,
  ...connectionsStreams,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type Streams = typeof streams;
export type StreamName = keyof Streams;
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<Channels[C]['response']>;
export type EventOf<S extends StreamName> = z.output<Streams[S]['event']>;

export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];
export const STREAM_NAMES = Object.keys(streams) as StreamName[];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}
export function isStreamName(name: unknown): name is StreamName {
  return typeof name === 'string' && Object.hasOwn(streams, name);
}

function wireOf(channel: string): WireCodec | undefined {
  return isChannelName(channel) ? (channels[channel] as RequestChannel).wire : undefined;
}

/** A response as the transports send it: encoded for the channels that declare a wire codec. */
export function toWire(channel: string, body: unknown): unknown {
  const wire = wireOf(channel);
  return wire ? wire.encode(body) : body;
}

/** A response as it came off a transport, decoded for the channels that declare a wire codec. */
export function fromWire(channel: string, raw: unknown): unknown {
  const wire = wireOf(channel);
  return wire ? wire.decode(raw) : raw;
}
