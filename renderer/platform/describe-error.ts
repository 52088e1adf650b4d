import { ContractError } from '../../shared/contract/errors.ts';

/** One line for a person: the message, and where when the core said where. */
export function describeError(error: unknown): string {
  if (error instanceof ContractError) return error.where ? `${error.message} (${error.where})` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
