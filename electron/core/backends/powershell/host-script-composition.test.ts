import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapLine, encodeArgument } from './argument-encoding.ts';
import { DEFAULT_SCRIPT_DIRECTORY, REMOTE_OPERATIONS, scriptPath } from './script-catalog.ts';
import { markedJson, PWSH, PWSH_MISSING, PWSH_TIMEOUT_MS, psLiteral, runPwsh } from './testing/real-pwsh.ts';

/**
 * Issue 11 item 6: every host script is param + host-preamble.ps1 + try { $in; body } catch { envelope },
 * composed by session.ps1 when it loads. These run the real session.ps1 in a real pwsh, through the
 * same bootstrap line the backend sends, with stub cmdlets defined first (the composed scripts are
 * invoked in-process with `&`, as Invoke-Command would run their text on a host).
 */

const MARK = '@@';
const boot = (directory: string) => bootstrapLine(scriptPath(directory, 'session'), { scriptDirectory: directory, operations: [...REMOTE_OPERATIONS] });
const call = (operation: string, args: Record<string, unknown>) =>
  `Write-Output ('${MARK}' + (& $global:StandbySite.Scripts['${operation}'] '${encodeArgument(args)}'))`;

const temporary: string[] = [];
afterAll(() => { for (const dir of temporary) rmSync(dir, { recursive: true, force: true }); });

describe.skipIf(!PWSH)(`host scripts composed by session.ps1, in real PowerShell${PWSH ? '' : ` (skipped: ${PWSH_MISSING})`}`, () => {
  // One pwsh for the three checks below: a PowerShell start costs seconds on a shared machine.
  const hostile = `[PROD] $(whoami) 'O''Brien' ‘q’ 病院`;
  let composed: { name: string; errors: string[]; paramBlocks: number; text: string }[] = [];
  let answers: unknown[] = [];
  beforeAll(() => {
    const run = runPwsh([
      // Stubs with the real names: what reached them comes back through the body's own answer.
      'function global:Start-VM { param([string]$Name, [switch]$Confirm) $global:started = $Name }',
      "function global:Get-VM { param([string]$Name) [pscustomobject]@{ Name = $global:started; VMId = [guid]'0b5c5d1e-1111-4222-8333-944455556666'; ComputerName = 'HV01'; State = 'Running'; Heartbeat = 'OkApplicationsHealthy'; ProcessorCount = 2; MemoryStartup = 1GB; MemoryAssigned = 1GB; CPUUsage = 3; OperationalStatus = @('Ok'); ReplicationMode = 'Replica'; ReplicationState = 'Replicating'; ReplicationHealth = 'Normal'; Notes = ''; Uptime = [timespan]::FromSeconds(42) } }",
      'function global:Stop-VMFailover {',
      '  [CmdletBinding()] param([string]$VMName, [switch]$Confirm)',
      "  $record = [System.Management.Automation.ErrorRecord]::new([InvalidOperationException]::new('The operation cannot be performed while the virtual machine is in its current state.'), 'InvalidState', 'InvalidOperation', $VMName)",
      '  $PSCmdlet.ThrowTerminatingError($record)',
      '}',
      boot(DEFAULT_SCRIPT_DIRECTORY),
      `foreach ($name in @(${REMOTE_OPERATIONS.map((o) => psLiteral(o)).join(', ')})) {`,
      '  $block = $global:StandbySite.Scripts[$name]',
      '  $errors = $null; $tokens = $null',
      '  $null = [System.Management.Automation.Language.Parser]::ParseInput($block.ToString(), [ref]$tokens, [ref]$errors)',
      '  $paramBlocks = @($block.Ast.FindAll({ $args[0] -is [System.Management.Automation.Language.ParamBlockAst] }, $true)).Count',
      `  Write-Output ('C${MARK}' + (ConvertTo-Json -Compress -InputObject ([ordered]@{ name = $name; errors = @($errors | ForEach-Object { [string]$_.Message }); paramBlocks = $paramBlocks; text = $block.ToString() })))`,
      '}',
      call('ping', {}),
      call('start-vm', { vmName: hostile }),
      call('stop-vmfailover', { vmName: 'SQL01' }),
    ].join('\n'));
    expect(run.stderr).toBe('');
    composed = markedJson(run, `C${MARK}`) as typeof composed;
    answers = markedJson(run, MARK);
  }, PWSH_TIMEOUT_MS);

  it('composes every operation into text that parses, with one param block, the preamble once and the envelope last', () => {
    expect(composed.map((r) => r.name).sort()).toEqual([...REMOTE_OPERATIONS].sort());
    for (const row of composed) {
      expect(row.errors, row.name).toEqual([]);
      expect(row.paramBlocks, row.name).toBe(1);
      expect(row.text.trimStart().startsWith('param([Parameter(Mandatory = $true)][string]$ArgumentsBase64)'), row.name).toBe(true);
      expect(row.text.match(/function ConvertFrom-StandbyArgument/g), row.name).toHaveLength(1);
      expect(row.text).toMatch(/\} catch \{\s*ConvertTo-StandbyFailureAnswer \$_\s*\}\s*$/);
    }
  });

  it('runs a body with its argument decoded into $in, hostile names intact, and answers {ok:true,data}', () => {
    const [ping, started] = answers;
    expect(ping).toMatchObject({ ok: true, data: { at: expect.any(String) } });
    expect(started).toMatchObject({ ok: true, data: [{ Name: hostile, VMId: '0b5c5d1e-1111-4222-8333-944455556666', UptimeSec: 42 }] });
  });

  it('turns what a body throws into the error envelope: id, category, message, target', () => {
    expect(answers[2]).toEqual({
      ok: false,
      error: { id: 'InvalidState,Stop-VMFailover', category: 'InvalidOperation', message: 'The operation cannot be performed while the virtual machine is in its current state.', target: 'SQL01' },
    });
  });

  it('refuses to start a session whose body would not parse on its own (it could close the try block)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-scripts-'));
    temporary.push(dir);
    cpSync(DEFAULT_SCRIPT_DIRECTORY, dir, { recursive: true });
    writeFileSync(join(dir, 'ping.ps1'), '$data = 1\n} catch { }\ntry {\nConvertTo-StandbyAnswer $data\n');
    const run = runPwsh(`try { ${boot(dir)} } catch { Write-Output ('${MARK}' + (ConvertTo-Json -Compress -InputObject ([string]$_.Exception.Message))) }`);
    expect(markedJson(run, MARK)).toEqual([expect.stringContaining('Script ping does not parse')]);
  }, PWSH_TIMEOUT_MS);
});
