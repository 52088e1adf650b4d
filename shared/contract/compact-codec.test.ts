import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileCompactCodec, CompactDecodeError, COMPACT_FORMAT, type CompactWire } from './compact-codec.ts';
import { createClient } from './client.ts';
import { ContractError } from './errors.ts';
import { toBase64, ByteWriter } from './byte-stream.ts';

const Row = z.object({
  id: z.string(),
  state: z.enum(['Running', 'Off']),
  tier: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  memoryBytes: z.number().nonnegative(),
  cpu: z.number().int().positive().max(64),
  healthy: z.boolean(),
  tags: z.array(z.string()),
  replica: z.object({ server: z.string(), lastAt: z.number().nullable() }).nullable(),
  owners: z.array(z.string()).optional(),
  rpo: z.object({ met: z.boolean() }).nullable().optional(),
});
const Table = z.object({ seq: z.number().int().nonnegative(), rows: z.record(z.string(), Row) });
const codec = compileCompactCodec(Table);

const row = (id: string, extra: Partial<z.infer<typeof Row>> = {}): z.infer<typeof Row> => ({
  id, state: 'Running', tier: 1, memoryBytes: 8 * 2 ** 30, cpu: 4, healthy: true, tags: ['sql', 'tier:1'],
  replica: { server: 'HV-DR01', lastAt: 1_764_000_000_123.5 }, ...extra,
});
const sample = (): z.infer<typeof Table> => ({
  seq: 7,
  rows: {
    a: row('a'),
    b: row('b', { state: 'Off', tier: 0, replica: null, owners: ['HV-A01', 'HV-A02'], rpo: null }),
    c: row('c', { memoryBytes: 0, replica: { server: 'HV-DR01', lastAt: null }, rpo: { met: false }, tags: [] }),
  },
});

/** What a client gets after the wire: JSON both ways, as over the WebSocket. */
const overTheWire = (value: unknown) => codec.decode(JSON.parse(JSON.stringify(codec.encode(value as z.infer<typeof Table>))));

function decodeError(wire: unknown): CompactDecodeError {
  try {
    codec.decode(wire);
  } catch (error) {
    if (error instanceof CompactDecodeError) return error;
    throw error;
  }
  throw new Error('decoded without complaint');
}

describe('compact codec', () => {
  it('round-trips to exactly what zod parses, absent optional fields staying absent', () => {
    const value = sample();
    const back = overTheWire(value);
    expect(back).toEqual(Table.parse(value));
    expect('owners' in back.rows.a!).toBe(false);
    expect(back.rows.b!.rpo).toBeNull();
    expect(Object.keys(back.rows)).toEqual(['a', 'b', 'c']);
  });

  it('sends each distinct string once and no field names', () => {
    const wire = codec.encode(sample());
    expect(wire.f).toBe(COMPACT_FORMAT);
    expect(wire.s.filter((s) => s === 'HV-DR01')).toHaveLength(1);
    expect(wire.s).not.toContain('memoryBytes');
  });

  it('accepts and refuses exactly what the schema does, value by value', () => {
    const odd: unknown[] = [-1, 0, 1, 1.5, 65, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY, '', 'Running', 'x', null, true, false, [], ['x'], [1], {}, { met: true }, undefined];
    const paths: string[][] = [['seq'], ...Object.keys(Row.shape).map((k) => ['rows', 'b', k]), ['rows', 'a', 'replica', 'server'], ['rows', 'a', 'replica', 'lastAt'], ['rows', 'c', 'rpo', 'met'], ['rows', 'a', 'tags', '0']];
    const outcomes = { accepted: 0, refused: 0 };
    for (const path of paths) {
      for (const value of odd) {
        const mutated = sample() as unknown as Record<string, unknown>;
        let at = mutated;
        for (const step of path.slice(0, -1)) at = at[step] as Record<string, unknown>;
        at[path[path.length - 1]!] = value;
        const zod = Table.safeParse(mutated);
        let decoded: unknown;
        try { decoded = overTheWire(mutated); } catch { decoded = undefined; }
        expect({ path: path.join('.'), value, accepted: decoded !== undefined }).toEqual({ path: path.join('.'), value, accepted: zod.success });
        if (zod.success) expect(decoded).toEqual(zod.data);
        outcomes[zod.success ? 'accepted' : 'refused'] += 1;
      }
    }
    expect(outcomes.accepted + outcomes.refused).toBe(paths.length * odd.length);
    expect(outcomes.accepted).toBeGreaterThan(20);
    expect(outcomes.refused).toBeGreaterThan(100);
  });

  it('says where a bad value is, in the dotted form zod errors use', () => {
    const value = sample();
    const wire = codec.encode(value);
    // The same stream with host b's memory negative: re-encoded through a schema without the bound.
    const loose = compileCompactCodec(z.object({ seq: z.number(), rows: z.record(z.string(), Row.extend({ memoryBytes: z.number() })) }));
    value.rows.b!.memoryBytes = -5;
    const error = decodeError({ ...loose.encode(value), f: wire.f });
    expect(error.where).toBe('rows.b.memoryBytes');
    expect(error.message).toContain('>= 0');
  });

  it('refuses a malformed wire form with a clear error instead of a partial value', () => {
    const wire = codec.encode(sample());
    expect(decodeError({ ...wire, f: 'plain' }).message).toMatch(/compact\/2/);
    expect(decodeError({ ...wire, s: ['a', 3] }).where).toBe('(root)');
    expect(decodeError({ ...wire, s: ['a', 3] }).message).toMatch(/s\.1/);
    expect(decodeError({ ...wire, d: '%%%' }).message).toMatch(/base64/);
    const bytes = Uint8Array.from(atob(wire.d), (c) => c.charCodeAt(0));
    expect(decodeError({ ...wire, d: toBase64(bytes.subarray(0, bytes.length - 3)) }).message).toMatch(/ends early/);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(decodeError({ ...wire, d: toBase64(longer) }).message).toMatch(/after the end/);
    expect(decodeError({ ...wire, s: wire.s.slice(0, 2) }).message).toMatch(/expected a string/);
    // A record claiming more entries than there are bytes left is refused before anything is allocated.
    const huge = new ByteWriter();
    huge.uint(0); huge.uint(2 ** 40);
    expect(decodeError({ f: COMPACT_FORMAT, s: [], d: toBase64(huge.result()) }).message).toMatch(/larger than the data/);
  });

  it('will not compile what it cannot check, rather than accept it unchecked', () => {
    expect(() => compileCompactCodec(z.object({ mail: z.string().email() }))).toThrow(/not supported/);
    expect(() => compileCompactCodec(z.object({ n: z.number().multipleOf(2) }))).toThrow(/not supported/);
    expect(() => compileCompactCodec(z.object({ n: z.number().default(1) }))).toThrow(/not supported/);
    expect(() => compileCompactCodec(z.object({ n: z.string().transform((s) => s.length) }))).toThrow(/not supported/);
    expect(() => compileCompactCodec(z.object({ a: z.string() }).passthrough())).toThrow(/not supported/);
  });
});

describe('a client on a compact channel', () => {
  const transport = (body: unknown) => ({
    kind: 'websocket' as const,
    request: async () => body,
    subscribe: () => () => {},
    onStateChange: () => () => {},
    close() {},
  });

  it('refuses a malformed estate snapshot with where it broke', async () => {
    const wire: CompactWire = { f: COMPACT_FORMAT, s: [], d: toBase64(new Uint8Array([1, 2])) };
    const error = await createClient(transport(wire)).request('estate.snapshot', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('internal');
    expect((error as ContractError).message).toMatch(/estate.snapshot answered with an unexpected shape/);
    expect((error as ContractError).where).toBe('seq');
  });
});
