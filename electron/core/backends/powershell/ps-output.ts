import { z } from 'zod';
import { ContractError, describeZodError, type ErrorCode } from '../../../../shared/contract/errors.ts';

/**
 * What one line sent to the shell printed, checked before anything is believed: exactly one JSON
 * document, whole, and in the envelope the session script writes. Anything else is a ContractError
 * with code 'backend' that quotes the start of what came back, and nothing from it is applied.
 */

export const PsErrorSchema = z.object({
  id: z.string().nullable().default(''),
  category: z.string().nullable().default(''),
  message: z.string().nullable().default(''),
  target: z.string().nullable().optional(),
  computerName: z.string().nullable().optional(),
});
export type PsError = z.infer<typeof PsErrorSchema>;

const RemoteEnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: PsErrorSchema }),
]);
export type RemoteEnvelope = z.infer<typeof RemoteEnvelopeSchema>;

const SessionEnvelopeSchema = z.union([
  z.object({
    ok: z.literal(true),
    results: z.array(z.object({ computerName: z.string(), output: RemoteEnvelopeSchema })),
    failures: z.preprocess((v) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(PsErrorSchema)),
  }),
  z.object({ ok: z.literal(true), data: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: PsErrorSchema }),
]);
type SessionEnvelope = z.infer<typeof SessionEnvelopeSchema>;

function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}

/** One JSON document or a clear refusal. */
function parseJsonOutput(stdout: string, what: string): unknown {
  const text = stdout.replace(/^\uFEFF/, '').trim();
  if (text === '') throw new ContractError('backend', `${what}: PowerShell printed nothing (the script did not finish).`, what);
  const lines = text.split(/\r?\n/);
  if (lines.length > 1) {
    const stray = lines.find((l) => !l.trimStart().startsWith('{')) ?? lines[1]!;
    throw new ContractError('backend', `${what}: output holds more than the JSON answer (${quote(stray)}); nothing was applied.`, what);
  }
  if (!text.startsWith('{')) throw new ContractError('backend', `${what}: output is not JSON (${quote(text)}); nothing was applied.`, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    const truncated = !/[}\]]$/.test(text) || /end of (JSON )?input|Unterminated/i.test(String(error));
    const reason = truncated ? `truncated after ${text.length} characters` : `malformed JSON (${(error as Error).message})`;
    throw new ContractError('backend', `${what}: output is ${reason}; nothing was applied.`, what);
  }
}

export function parseSessionEnvelope(stdout: string, what: string): SessionEnvelope {
  const parsed = SessionEnvelopeSchema.safeParse(parseJsonOutput(stdout, what));
  if (!parsed.success) {
    const { message } = describeZodError(parsed.error);
    throw new ContractError('backend', `${what}: unexpected answer shape (${message}); nothing was applied.`, what);
  }
  return parsed.data;
}

/** Hyper-V and cluster errors mapped onto the contract's codes, so the core can tell refusal from failure. */
export function errorCodeOf(error: PsError): ErrorCode {
  const id = error.id ?? '';
  const category = error.category ?? '';
  const message = error.message ?? '';
  // The node did not answer (no open session, a broken one, WinRM unreachable): never "not found",
  // or a cleanup or shutdown step would read a silent node as done.
  // NoValidRunspaces: Invoke-Command refuses a session that closed between the state check and the
  // call (PowerShell's ICMNoValidRunspaces, "No valid sessions were specified"): nothing was run.
  if (id === 'NoOpenSession' || category === 'ConnectionError' || /PSSessionStateBroken|NoValidRunspaces|No valid sessions were specified|WinRM cannot complete|PSRemotingTransportException/i.test(`${id} ${message}`)) return 'disconnected';
  // The object itself is missing. Not any "cannot find": a VM that fails to start because a disk is
  // missing says "the system cannot find the file specified", and that is a failure to retry or
  // hand to the operator, not a VM that is not there.
  if (category === 'ObjectNotFound' || /unable to find a virtual machine|was not found|could not be found|does not exist/i.test(message)) return 'not-found';
  if (category === 'OperationTimeout' || /timed out/i.test(message)) return 'timeout';
  if (category === 'InvalidOperation' || category === 'InvalidResult' || /not valid in|InvalidState|cannot be performed while|in the current state/i.test(`${id} ${message}`)) return 'invalid-state';
  return 'backend';
}

export function contractErrorOf(error: PsError, what: string): ContractError {
  const where = error.computerName || error.target || what;
  const message = (error.message ?? '').trim() || `${what} failed (${error.id || error.category || 'no detail'})`;
  return new ContractError(errorCodeOf(error), message, where || undefined);
}

/** A row schema applied to a script's data, with the failing field named in the error. */
export function parseData<T extends z.ZodType>(schema: T, data: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const { message, where } = describeZodError(parsed.error);
    throw new ContractError('backend', `${what}: ${message}; nothing was applied.`, `${what}:${where}`);
  }
  return parsed.data;
}
