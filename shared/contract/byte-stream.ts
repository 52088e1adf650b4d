/**
 * Bytes for the compact wire form: unsigned LEB128 varints (most values on the wire are small
 * integers: string indices, lengths, flags) and numbers that fall back to float64 when they are
 * not small non-negative integers. Carried as base64 inside JSON, so both transports move it as a
 * string and neither parses a million-element JSON array.
 */

const FLOAT_TAG = 1;
/** Integers up to this travel as varints (doubled, so the low bit can flag a float64). */
const MAX_VARINT_INTEGER = 2 ** 51;

export class ByteWriter {
  private bytes = new Uint8Array(1 << 16);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  /** A non-negative integer below 2^53. */
  uint(value: number): void {
    this.reserve(8);
    const bytes = this.bytes;
    let at = this.length;
    while (value >= 0x80) {
      bytes[at++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    bytes[at++] = value;
    this.length = at;
  }

  number(value: number): void {
    if (Number.isInteger(value) && value >= 0 && value <= MAX_VARINT_INTEGER) { this.uint(value * 2); return; }
    this.uint(FLOAT_TAG);
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

export class ByteReaderError extends Error {}

export class ByteReader {
  private readonly view: DataView;
  pos = 0;
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  uint(): number {
    const bytes = this.bytes;
    let at = this.pos;
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new ByteReaderError('the data ends early');
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new ByteReaderError('a number runs past 8 bytes');
    }
    this.pos = at;
    return value;
  }

  number(): number {
    const head = this.uint();
    if (head !== FLOAT_TAG) {
      if (head % 2 !== 0) throw new ByteReaderError('a malformed number');
      return head / 2;
    }
    if (this.pos + 8 > this.bytes.length) throw new ByteReaderError('the data ends early');
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }
}

type Base64Array = Uint8Array & { toBase64?(): string };
type Base64Ctor = typeof Uint8Array & { fromBase64?(text: string): Uint8Array };
/** Present in browsers and Node; the shared layer compiles without the DOM's declarations. */
const { atob, btoa } = globalThis as unknown as { atob(text: string): string; btoa(binary: string): string };

interface NodeBuffer {
  from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64'): string };
  from(text: string, encoding: 'base64'): Uint8Array;
}

export function toBase64(bytes: Uint8Array): string {
  if (typeof (bytes as Base64Array).toBase64 === 'function') return (bytes as Base64Array).toBase64!();
  const buffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
  if (buffer) return buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Throws ByteReaderError on text that is not base64. */
export function fromBase64(text: string): Uint8Array {
  try {
    const native = (Uint8Array as Base64Ctor).fromBase64;
    if (typeof native === 'function') return native(text);
    const buffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
    if (buffer) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('not base64');
      return new Uint8Array(buffer.from(text, 'base64'));
    }
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    throw new ByteReaderError('the data is not base64');
  }
}
