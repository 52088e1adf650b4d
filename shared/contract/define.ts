import type { z } from 'zod';

/**
 * read: any role may call it. attest: records a person's attestation (a drill sign-off) and changes
 * nothing else; an operator or a signer may call it. operate: changes something; operators only.
 */
export type Access = 'read' | 'attest' | 'operate';

export interface RequestChannel<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'request';
  readonly access: Access;
  readonly request: Req;
  readonly response: Res;
  readonly summary: string;
  /**
   * How a large response travels: the transports send `encode(body)`, the client decodes before it
   * validates. Absent: the body as it is.
   */
  readonly wire?: WireCodec<z.output<Res>>;
}

export interface WireCodec<T = unknown> {
  encode(body: T): unknown;
  /** Throws (with where) on a malformed encoding. */
  decode(raw: unknown): unknown;
  /** True when decode checks everything the response schema does, so the client skips the schema. */
  readonly validates: boolean;
}

export interface EventStream<Ev extends z.ZodType = z.ZodType> {
  readonly kind: 'stream';
  readonly event: Ev;
  readonly summary: string;
  /**
   * A cheaper check the client uses instead of the schema, for a high-rate stream whose sender
   * validates what it sends (null: well-formed; otherwise what is wrong). Senders and tests still
   * hold the stream to `event`.
   */
  readonly clientCheck?: (raw: unknown) => string | null;
}

export function request<Req extends z.ZodType, Res extends z.ZodType>(def: {
  access: Access;
  request: Req;
  response: Res;
  summary: string;
  wire?: WireCodec<z.output<Res>>;
}): RequestChannel<Req, Res> {
  return { kind: 'request', ...def };
}

export function stream<Ev extends z.ZodType>(def: { event: Ev; summary: string; clientCheck?: (raw: unknown) => string | null }): EventStream<Ev> {
  return { kind: 'stream', ...def };
}
