import { z } from 'zod';

export const ERROR_CODES = [
  'bad-request', // the request did not match the channel's schema
  'unknown-channel',
  'forbidden', // the caller's role may not do this
  'unauthorized', // no or wrong access token
  'not-found', // the named VM/host/plan does not exist
  'invalid-state', // the operation is not valid in the current state (Hyper-V would refuse it)
  'backend', // the backend (lab or PowerShell) failed the operation
  'timeout',
  'disconnected', // the transport dropped before an answer came
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ContractErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** Where the problem is: a field path, a file and line, a VM name. */
  where: z.string().optional(),
});
export type ContractErrorData = z.infer<typeof ContractErrorSchema>;

/** An error that crosses the boundary intact: code for programs, message for people. */
export class ContractError extends Error {
  readonly code: ErrorCode;
  readonly where: string | undefined;
  constructor(code: ErrorCode, message: string, where?: string) {
    super(message);
    this.name = 'ContractError';
    this.code = code;
    this.where = where;
  }
  toData(): ContractErrorData {
    return this.where === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, where: this.where };
  }
  static from(data: ContractErrorData): ContractError {
    return new ContractError(data.code, data.message, data.where);
  }
}

/** One readable line from a zod failure: "vmName: Too big: expected string to have <=300 characters". */
export function describeZodError(error: z.ZodError): { message: string; where: string } {
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? first.path.map(String).join('.') : '(root)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return { message: `${where}: ${first?.message ?? 'invalid'}${more}`, where };
}
