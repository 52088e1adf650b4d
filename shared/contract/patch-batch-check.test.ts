import { describe, expect, it } from 'vitest';
import { createClient } from './client.ts';
import { checkPatchBatch } from './patch-batch-check.ts';
import type { Transport } from './transport.ts';

const clock = { op: 'clock', value: { source: 'lab', now: 1, speed: 60 } };
const merge = { op: 'merge', kind: 'vm', id: 'p:A', value: { cpuUsagePct: 3, replication: { state: 'Replicating' } } };

describe('the client check of estate patch batches', () => {
  it('accepts well-formed batches of every op', () => {
    expect(checkPatchBatch({ seq: 3, patches: [clock, merge, { op: 'remove', kind: 'host', id: 'h' }, { op: 'put', kind: 'site', value: { id: 's' } }] })).toBeNull();
    expect(checkPatchBatch({ seq: 1, patches: [] })).toBeNull();
    expect(checkPatchBatch({ seq: 1, patches: [{ ...merge, nested: { replication: { pendingBytes: 0 }, rpo: { met: false } } }] })).toBeNull();
  });

  it.each([
    [null, 'the batch is not an object'],
    [{ seq: 0, patches: [] }, 'seq: expected a positive integer'],
    [{ seq: 1.5, patches: [] }, 'seq: expected a positive integer'],
    [{ seq: 2, patches: {} }, 'patches: expected an array'],
    [{ seq: 2, patches: [clock, { op: 'drop' }] }, 'patches.1.op: expected put, merge, remove or clock'],
    [{ seq: 2, patches: [{ ...merge, kind: 'disk' }] }, 'patches.0.kind: unknown entity kind'],
    [{ seq: 2, patches: [{ ...merge, id: 7 }] }, 'patches.0.id: expected a string'],
    [{ seq: 2, patches: [{ ...merge, value: [1] }] }, 'patches.0.value: expected an object'],
    [{ seq: 2, patches: [{ ...merge, value: { hacked: true } }] }, 'patches.0.value.hacked: not a field of a vm'],
    [{ seq: 2, patches: [{ op: 'put', kind: 'vm', value: { name: 'x' } }] }, 'patches.0.value.id: expected a string'],
    [{ seq: 2, patches: [{ op: 'clock', value: { source: 'lab', now: '1', speed: 1 } }] }, 'patches.0.value: expected a clock'],
    [{ seq: 2, patches: [{ ...merge, nested: { tags: { a: 1 } } }] }, 'patches.0.nested.tags: not a nested field of a vm'],
    [{ seq: 2, patches: [{ ...merge, nested: { replication: { hacked: 1 } } }] }, 'patches.0.nested.replication.hacked: not a field of replication'],
    [{ seq: 2, patches: [{ ...merge, nested: { replication: null } }] }, 'patches.0.nested.replication: expected an object'],
    [{ seq: 2, patches: [{ op: 'merge', kind: 'host', id: 'h', value: {}, nested: { replication: {} } }] }, 'patches.0.nested: only a VM merge has nested fields'],
  ])('refuses %j: %s', (batch, problem) => {
    expect(checkPatchBatch(batch)).toBe(problem);
  });

  it('is what the typed client applies to estate.patches: bad batches are reported, not delivered', () => {
    let deliver: (raw: unknown) => void = () => {};
    const transport = { request: async () => ({}), subscribe: (_s: string, l: (raw: unknown) => void) => { deliver = l; return () => {}; } } as unknown as Transport;
    const invalid: string[] = [];
    const got: unknown[] = [];
    createClient(transport, (_stream, error) => invalid.push(error.message)).subscribe('estate.patches', (b) => got.push(b));
    deliver({ seq: 5, patches: [merge] });
    deliver({ seq: 6, patches: [{ ...merge, kind: 'disk' }] });
    expect(got).toEqual([{ seq: 5, patches: [merge] }]);
    expect(invalid).toEqual(['estate.patches: patches.0.kind: unknown entity kind']);
  });
});
