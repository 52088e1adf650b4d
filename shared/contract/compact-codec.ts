import type { z } from 'zod';
import { ByteReader, ByteReaderError, ByteWriter, fromBase64, toBase64 } from './byte-stream.ts';

/**
 * A compact wire form derived from a zod schema, for the few responses big enough for their size to
 * matter (the estate snapshot: 30,000 VM records, 27 MB as plain JSON). The value becomes a byte
 * stream read in the schema's order: an object is its fields' values (names are not repeated; a
 * bit mask first says which optional fields follow), an array or record its length then its items,
 * a nullable value 0 for null or 1 then the value, and every string an index into one table of
 * distinct strings (ids, host names, states, the GUID the copies of a VM share are each sent once).
 * Numbers are varints when they are small non-negative integers (see byte-stream.ts). The stream
 * travels as base64 beside the string table, so the whole thing is JSON and crosses the WebSocket
 * and Electron's IPC alike — and nobody builds, stringifies or parses a million-element array.
 *
 * Decoding is validation: every value is checked against the schema as it is rebuilt (types, enum
 * members, integer and range checks, no stray fields), so the client needs no second pass with zod —
 * which, without the code generation a strict CSP forbids, costs longer than everything else on a
 * large estate. Only schema features this file knows compile; anything else (refinements,
 * transforms, defaults, string formats) throws at compile time rather than being accepted unchecked.
 */

export const COMPACT_FORMAT = 'compact/2';

export interface CompactWire {
  f: typeof COMPACT_FORMAT;
  /** Every distinct string, referenced by index. */
  s: string[];
  /** The value as a byte stream in schema order, base64. */
  d: string;
}

export interface CompactCodec<T> {
  encode(value: T): CompactWire;
  /** The value the schema describes; throws CompactDecodeError (with where) on anything else. */
  decode(raw: unknown): T;
}

export class CompactDecodeError extends Error {
  readonly path: (string | number)[] = [];
  /** Dotted path to the bad value, as describeZodError writes it. */
  get where(): string {
    return this.path.length === 0 ? '(root)' : this.path.join('.');
  }
}

interface Encoder {
  out: ByteWriter;
  index: Map<unknown, number>;
  strings: unknown[];
}

interface Reader {
  in: ByteReader;
  strings: readonly string[];
}

interface Node {
  enc(value: unknown, e: Encoder): void;
  dec(r: Reader): unknown;
}

const fail = (problem: string): never => { throw new CompactDecodeError(problem); };

function encodeString(value: unknown, e: Encoder): void {
  let at = e.index.get(value);
  if (at === undefined) {
    at = e.strings.length;
    e.index.set(value, at);
    e.strings.push(value);
  }
  e.out.uint(at);
}

function decodeString(r: Reader): string {
  const at = r.in.uint();
  return at < r.strings.length ? r.strings[at]! : fail('expected a string');
}

/** A count the rest of the stream could hold (every item takes at least a byte). */
function readCount(r: Reader, what: string): number {
  const count = r.in.uint();
  return count <= r.in.bytes.length - r.in.pos ? count : fail(`${what} larger than the data`);
}

const STRING: Node = { enc: encodeString, dec: decodeString };

interface Def { type: string; checks?: { _zod: { def: Record<string, unknown> } }[]; [key: string]: unknown }
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

function unsupported(def: Def, why = ''): never {
  throw new Error(`compact codec: zod ${def.type}${why ? ` (${why})` : ''} is not supported; send this channel as plain JSON`);
}

function compile(schema: unknown): Node {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      if (def.checks?.length) unsupported(def, 'checks');
      return STRING;
    case 'enum': {
      const members = new Set(Object.values(def.entries as Record<string, unknown>));
      if ([...members].some((m) => typeof m !== 'string')) unsupported(def, 'non-string members');
      const expected = `expected one of ${[...members].join(', ')}`;
      return {
        enc: STRING.enc,
        dec(r) {
          const value = decodeString(r);
          return members.has(value) ? value : fail(expected);
        },
      };
    }
    case 'literal':
    case 'union':
      return compileLiterals(def);
    case 'number':
      return compileNumber(def);
    case 'boolean':
      return {
        enc(v, e) {
          if (typeof v !== 'boolean') throw new Error(`compact codec: ${typeof v} where a boolean belongs`);
          e.out.uint(v ? 1 : 0);
        },
        dec: (r) => { const raw = r.in.uint(); return raw <= 1 ? raw === 1 : fail('expected a boolean'); },
      };
    case 'nullable': {
      const inner = compile(def.innerType);
      return {
        enc(v, e) {
          if (v === null) e.out.uint(0);
          else { e.out.uint(1); inner.enc(v, e); }
        },
        dec(r) {
          const tag = r.in.uint();
          return tag === 0 ? null : tag === 1 ? inner.dec(r) : fail('expected 0 (null) or 1');
        },
      };
    }
    case 'array':
      return compileArray(def);
    case 'object':
      return compileObject(def);
    case 'record':
      return compileRecord(def);
    default:
      return unsupported(def);
  }
}

function compileLiterals(def: Def): Node {
  const options = def.type === 'literal' ? [def] : (def.options as unknown[]).map(defOf);
  const allowed: unknown[] = [];
  for (const option of options) {
    if (option.type !== 'literal') unsupported(def, 'only unions of literals');
    for (const value of option.values as unknown[]) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean' && value !== null) unsupported(def, 'literal type');
      allowed.push(value);
    }
  }
  const expected = `expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  // By position in the list of allowed values.
  const positions = new Map(allowed.map((value, i) => [value, i]));
  return {
    enc(v, e) {
      const at = positions.get(v);
      if (at === undefined) throw new Error(`compact codec: ${JSON.stringify(v)} is not ${expected.slice('expected '.length)}`);
      e.out.uint(at);
    },
    dec(r) {
      const at = r.in.uint();
      return at < allowed.length ? allowed[at] : fail(expected);
    },
  };
}

function compileNumber(def: Def): Node {
  const tests: ((n: number) => string | null)[] = [];
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === 'number_format' && c.format === 'safeint') tests.push((n) => (Number.isSafeInteger(n) ? null : 'expected an integer'));
    else if (c.check === 'greater_than') {
      const { value, inclusive } = c as { value: number; inclusive: boolean };
      tests.push(inclusive ? (n) => (n >= value ? null : `expected a number >= ${value}`) : (n) => (n > value ? null : `expected a number > ${value}`));
    } else if (c.check === 'less_than') {
      const { value, inclusive } = c as { value: number; inclusive: boolean };
      tests.push(inclusive ? (n) => (n <= value ? null : `expected a number <= ${value}`) : (n) => (n < value ? null : `expected a number < ${value}`));
    } else unsupported(def, `check ${String(c.check)}`);
  }
  return {
    enc(v, e) {
      if (typeof v !== 'number') throw new Error(`compact codec: ${typeof v} where a number belongs`);
      e.out.number(v);
    },
    dec(r) {
      const raw = r.in.number();
      // zod refuses NaN and the infinities too; a float64 can carry them.
      if (!Number.isFinite(raw)) return fail('expected a finite number');
      for (const test of tests) {
        const problem = test(raw);
        if (problem !== null) fail(problem);
      }
      return raw;
    },
  };
}

function compileArray(def: Def): Node {
  if (def.checks?.length) unsupported(def, 'checks');
  const element = compile(def.element);
  return {
    enc(v, e) {
      if (!Array.isArray(v)) throw new Error(`compact codec: ${typeof v} where an array belongs`);
      const items = v as unknown[];
      e.out.uint(items.length);
      for (const item of items) element.enc(item, e);
    },
    dec(r) {
      const length = readCount(r, 'an array length');
      const out = new Array<unknown>(length);
      let i = 0;
      try {
        for (; i < length; i++) out[i] = element.dec(r);
      } catch (error) {
        throw within(error, i);
      }
      return out;
    },
  };
}

function compileObject(def: Def): Node {
  if (def.catchall !== undefined || def.checks?.length) unsupported(def, 'catchall or checks');
  const fields = Object.entries(def.shape as Record<string, unknown>).map(([key, schema]) => {
    const fieldDef = defOf(schema);
    const optional = fieldDef.type === 'optional';
    return { key, optional, node: compile(optional ? fieldDef.innerType : schema) };
  });
  const optionals = fields.filter((f) => f.optional).length;
  if (optionals > 30) unsupported(def, 'more than 30 optional fields');
  const allOptional = 2 ** optionals - 1;
  return {
    enc(v, e) {
      if (!isObject(v)) throw new Error(`compact codec: ${typeof v} where an object belongs`);
      const value = v as Record<string, unknown>;
      if (optionals > 0) {
        let mask = 0;
        let bit = 1;
        for (const field of fields) {
          if (!field.optional) continue;
          if (value[field.key] !== undefined) mask |= bit;
          bit <<= 1;
        }
        e.out.uint(mask);
      }
      for (const field of fields) {
        const item = value[field.key];
        if (item === undefined) {
          if (field.optional) continue;
          throw new Error(`compact codec: required field ${field.key} is missing`);
        }
        field.node.enc(item, e);
      }
    },
    dec(r) {
      const out: Record<string, unknown> = {};
      const mask = optionals > 0 ? r.in.uint() : 0;
      if (mask > allOptional) fail('a malformed optional-field mask');
      let bit = 1;
      let key = '';
      try {
        for (const field of fields) {
          key = field.key;
          if (field.optional) {
            const present = (mask & bit) !== 0;
            bit <<= 1;
            if (!present) continue;
          }
          out[key] = field.node.dec(r);
        }
      } catch (error) {
        throw within(error, key);
      }
      return out;
    },
  };
}

function compileRecord(def: Def): Node {
  const keyDef = defOf(def.keyType);
  if (keyDef.type !== 'string' || keyDef.checks?.length) unsupported(def, 'keys other than plain strings');
  const value = compile(def.valueType);
  return {
    enc(v, e) {
      if (!isObject(v)) throw new Error(`compact codec: ${typeof v} where a record belongs`);
      const record = v as Record<string, unknown>;
      let size = 0;
      for (const _key in record) size += 1;
      e.out.uint(size);
      for (const key in record) {
        encodeString(key, e);
        value.enc(record[key], e);
      }
    },
    dec(r) {
      const size = readCount(r, 'a record size');
      const out: Record<string, unknown> = {};
      let key: string | number = 0;
      try {
        for (let i = 0; i < size; i++) {
          key = i;
          key = decodeString(r);
          if (key === '__proto__') fail('a key named __proto__');
          out[key] = value.dec(r);
        }
      } catch (error) {
        throw within(error, key);
      }
      return out;
    },
  };
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

function within(error: unknown, step: string | number): unknown {
  const decodeError = error instanceof ByteReaderError ? new CompactDecodeError(error.message) : error;
  if (decodeError instanceof CompactDecodeError) decodeError.path.unshift(step);
  return decodeError;
}

export function compileCompactCodec<S extends z.ZodType>(schema: S): CompactCodec<z.output<S>> {
  const root = compile(schema);
  return {
    encode(value) {
      const e: Encoder = { out: new ByteWriter(), index: new Map(), strings: [] };
      root.enc(value, e);
      return { f: COMPACT_FORMAT, s: e.strings as string[], d: toBase64(e.out.result()) };
    },
    decode(raw) {
      if (typeof raw !== 'object' || raw === null || (raw as { f?: unknown }).f !== COMPACT_FORMAT) fail(`expected the ${COMPACT_FORMAT} encoding`);
      const { s, d } = raw as { s?: unknown; d?: unknown };
      if (!Array.isArray(s)) return fail('s: expected the string table');
      for (let i = 0; i < s.length; i++) if (typeof s[i] !== 'string') fail(`s.${i}: expected a string`);
      if (typeof d !== 'string') return fail('d: expected the data');
      let value: unknown;
      let r: Reader;
      try {
        r = { in: new ByteReader(fromBase64(d)), strings: s as string[] };
        value = root.dec(r);
      } catch (error) {
        throw error instanceof ByteReaderError ? new CompactDecodeError(error.message) : error;
      }
      if (!r.in.done) fail(`${r.in.bytes.length - r.in.pos} bytes after the end of the data`);
      return value as z.output<S>;
    },
  };
}
