import { z } from 'zod';

/** C0 and C1 controls, DEL and the two Unicode line separators: nothing a person can type back. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Text a person reads and may have to type back (a plan's name is typed to confirm a failover):
 * a newline, a tab or a NUL in it would make that impossible, or forge a line in a log.
 */
export function plainText(max: number, min = 0) {
  return z.string().min(min).max(max).refine((s) => !CONTROL.test(s), {
    message: 'must not contain control characters (line breaks, tabs, NUL): it is shown on one line and may have to be typed back',
  });
}
