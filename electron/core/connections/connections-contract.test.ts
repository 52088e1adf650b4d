import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isChannelName } from '../../../shared/contract/channels.ts';
import { connectionsChannels } from '../../../shared/contract/connections-channels.ts';
import { ContractError, describeZodError } from '../../../shared/contract/errors.ts';
import { ConnectionsListSchema } from '../../../shared/model/connections.ts';
import { createCore, type Core } from '../core.ts';
import type { CallContext } from '../dispatcher.ts';
import { memoryPorts, memorySettings } from '../testing/memory-ports.ts';
import { createPowerShellRemoting } from '../backends/powershell/powershell-remoting.ts';
import { createConnectionsHandlers } from './connections-handlers.ts';

/**
 * connections.save at the contract: the viewer is refused, the password never comes back in any
 * answer. Runs through the real core once the channels are wired into shared/contract/channels.ts;
 * until then through a dispatcher built the same way from connectionsChannels.
 */
const PASSWORD = 'Correct-Horse-Battery-Staple-7';
const operator: CallContext = { role: 'operator', actor: 'contract operator' };
const viewer: CallContext = { role: 'viewer', actor: 'contract viewer' };
const body = {
  profile: {
    siteId: 'site-pri', role: 'primary', name: 'Northgate',
    clusters: [{ cluster: 'CL-A' }], username: 'CORP\\standby-svc',
  },
  password: PASSWORD,
};

type Handle = (channel: string, body: unknown, ctx: CallContext) => Promise<unknown>;

/** The dispatcher's rules (access, then schema), applied to connectionsChannels alone. */
async function standalone(): Promise<{ handle: Handle; close(): Promise<void> }> {
  const ports = memoryPorts();
  const module = await createConnectionsHandlers({ ports, remoting: createPowerShellRemoting({ clock: ports.clock, logger: ports.logger }), publish: () => {} });
  const handle: Handle = async (channel, request, ctx) => {
    const def = connectionsChannels[channel as keyof typeof connectionsChannels];
    if (!def) throw new ContractError('unknown-channel', channel);
    if (def.access === 'operate' && ctx.role !== 'operator') throw new ContractError('forbidden', `${channel} is refused to a viewer.`);
    const parsed = def.request.safeParse(request ?? {});
    if (!parsed.success) throw new ContractError('bad-request', describeZodError(parsed.error).message, describeZodError(parsed.error).where);
    const out = await (module.handlers[channel as keyof typeof module.handlers] as (r: unknown, c: CallContext) => Promise<unknown>)(parsed.data, ctx);
    return def.response.parse(out);
  };
  return { handle, close: () => module.dispose() };
}

const wired = isChannelName('connections.save');

function suite(name: string, start: () => Promise<{ handle: Handle; close(): Promise<void> }>) {
  describe(name, () => {
    let target: { handle: Handle; close(): Promise<void> };
    beforeAll(async () => { target = await start(); });
    afterAll(() => target.close());

    it('refuses a viewer every connections change, before anything is stored', async () => {
      for (const [channel, request] of [
        ['connections.save', body], ['connections.delete', { siteId: 'site-pri' }], ['connections.test', body],
        ['connections.reconnect', { siteId: 'site-pri' }], ['connections.setBackend', { backend: 'powershell' }],
      ] as const) {
        await expect(target.handle(channel, request, viewer)).rejects.toMatchObject({ code: 'forbidden' });
      }
      const list = ConnectionsListSchema.parse(await target.handle('connections.list', {}, viewer));
      expect(list.entries).toEqual([]);
    });

    it('saves for an operator and never echoes the password, in the answer or the list', async () => {
      const saved = await target.handle('connections.save', body, operator);
      expect(saved).toMatchObject({ entry: { hasPassword: true, complete: true, profile: { credentialRef: 'standby.connection.site-pri' } } });
      expect(JSON.stringify(saved)).not.toContain(PASSWORD);
      const list = await target.handle('connections.list', {}, viewer);
      expect(JSON.stringify(list)).not.toContain(PASSWORD);
      expect(ConnectionsListSchema.parse(list).entries[0]).toMatchObject({ hasPassword: true });
    });

    it('refuses extra fields and a bad host name with the field at fault', async () => {
      await expect(target.handle('connections.save', { ...body, secret: 'x' }, operator)).rejects.toMatchObject({ code: 'bad-request' });
      const bad = { ...body, profile: { ...body.profile, clusters: [{ cluster: 'CL A; rm -rf' }] } };
      await expect(target.handle('connections.save', bad, operator)).rejects.toMatchObject({ code: 'bad-request', where: 'profile.clusters.0.cluster' });
    });
  });
}

suite('connections channels (dispatcher rules over connectionsChannels)', standalone);

describe.runIf(wired)('wired into the core', () => {
  suite('connections channels through createCore', async () => {
    const core: Core = await createCore(memoryPorts({ settings: memorySettings({ theme: 'system', rtoTargetMinutes: 60, lab: { seed: 3, vmCount: 30 } }) }), { patchBatchMs: 50 });
    return { handle: (channel, request, ctx) => core.handle(channel, request, ctx), close: () => core.dispose() };
  });
});
