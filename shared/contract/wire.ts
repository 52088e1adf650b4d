import { z } from 'zod';
import { ContractErrorSchema } from './errors.ts';
import { RoleSchema } from './channels.ts';

/** Frames on the browser server's one multiplexed WebSocket. Payloads are validated per channel. */
export const ClientFrameSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('req'), id: z.number().int().nonnegative(), ch: z.string().max(200), body: z.unknown() }),
  // everyMs: hear the stream at most that often, what came between combined (the NOC wall at lab speeds).
  z.object({ t: z.literal('sub'), stream: z.string().max(200), everyMs: z.number().int().min(250).max(60_000).optional() }),
  z.object({ t: z.literal('unsub'), stream: z.string().max(200) }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

// A plain union: two 'res' members share a discriminator value, which zod's discriminatedUnion refuses.
export const ServerFrameSchema = z.union([
  z.object({ t: z.literal('hello'), role: RoleSchema, version: z.string() }),
  z.object({ t: z.literal('res'), id: z.number().int(), ok: z.literal(true), body: z.unknown() }),
  z.object({ t: z.literal('res'), id: z.number().int(), ok: z.literal(false), error: ContractErrorSchema }),
  z.object({ t: z.literal('evt'), stream: z.string(), body: z.unknown() }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

export { MAX_CLIENT_FRAME_BYTES } from './limits.ts';

export const WS_PATH = '/ws';
/** Close codes the renderer explains to the user instead of retrying. */
export const WS_CLOSE_UNAUTHORIZED = 4401;
