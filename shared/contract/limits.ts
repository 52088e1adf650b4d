/**
 * Sizes the two transports and the channel schemas agree on. The largest request is a plan file
 * being imported; the socket's frame limit is derived from it, so anything a schema accepts also
 * fits the socket (a larger frame is closed by the socket before a schema could say what is wrong).
 */

/** Characters of a plan file plans.import accepts: a plan of thousands of VMs is well under it. */
export const MAX_PLAN_FILE_CHARS = 2_000_000;

/**
 * Bytes of one client frame: the plan file JSON-encoded at its worst (a control character becomes
 * the six bytes of \u0000), plus the envelope and the other fields.
 */
export const MAX_CLIENT_FRAME_BYTES = MAX_PLAN_FILE_CHARS * 6 + 64 * 1024;

/**
 * Requests that do seconds of work by design (a plan rehearsed on a copy of the estate; an evidence
 * pack printed by a browser engine): a transport waits this many times its usual timeout for them,
 * since on a busy machine they outlast it without anything being wrong.
 */
export const SLOW_CHANNELS: ReadonlySet<string> = new Set(['recovery.predict', 'recovery.evidence']);
export const SLOW_CHANNEL_TIMEOUT_FACTOR = 6;
