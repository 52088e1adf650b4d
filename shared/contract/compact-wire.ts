import type { z } from 'zod';
import { compileCompactCodec } from './compact-codec.ts';
import type { WireCodec } from './define.ts';

/** A channel's response sent in the compact form of its own schema (see compact-codec.ts). */
export function compactWire<S extends z.ZodType>(schema: S): WireCodec<z.output<S>> {
  const codec = compileCompactCodec(schema);
  return { encode: (body) => codec.encode(body), decode: (raw) => codec.decode(raw), validates: true };
}
