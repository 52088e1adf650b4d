import { ContractError } from '../../../../shared/contract/errors.ts';

/**
 * The only place that writes text for the PowerShell shell. Values never become PowerShell source:
 * they travel as base64 of UTF-8 JSON, a charset PowerShell gives no meaning to inside '…', and the
 * script decodes them. Operation names come from our own catalog and are checked against a pattern.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const OPERATION = /^[a-z][a-z0-9-]{0,63}$/;

export type JsonObject = { [key: string]: unknown };

export function encodeArgument(value: JsonObject): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError('A script argument is one JSON object.');
  }
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

export function decodeArgument(encoded: string): JsonObject {
  if (!BASE64.test(encoded)) throw new TypeError('Not a base64 script argument.');
  const value: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('A script argument is one JSON object.');
  return value as JsonObject;
}

/** `Invoke-StandbyOperation 'op' 'base64'`: one line, as node-powershell must send it. */
export function operationLine(operation: string, argument: JsonObject): string {
  if (!OPERATION.test(operation)) throw new ContractError('internal', `Not an operation name: ${JSON.stringify(operation)}`);
  return `Invoke-StandbyOperation '${operation}' '${encodeArgument(argument)}'`;
}

/**
 * Loads the session script from disk without putting its path in PowerShell text (an install path
 * may hold a quote), then runs it with its one argument.
 */
export function bootstrapLine(scriptPath: string, argument: JsonObject): string {
  const path = Buffer.from(scriptPath, 'utf8').toString('base64');
  return `. ([ScriptBlock]::Create([IO.File]::ReadAllText([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${path}'))))) '${encodeArgument(argument)}'`;
}

/** The shapes above, recognised by the double; anything else is refused as not ours. */
export const OPERATION_LINE = /^Invoke-StandbyOperation '([a-z][a-z0-9-]{0,63})' '([A-Za-z0-9+/]*={0,2})'$/;
export const BOOTSTRAP_LINE = /^\. \(\[ScriptBlock\]::Create\(\[IO\.File\]::ReadAllText\(\[Text\.Encoding\]::UTF8\.GetString\(\[Convert\]::FromBase64String\('([A-Za-z0-9+/]*={0,2})'\)\)\)\)\) '([A-Za-z0-9+/]*={0,2})'$/;
