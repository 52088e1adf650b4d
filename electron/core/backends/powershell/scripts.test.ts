import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT_DIRECTORY, MUTATING_OPERATIONS, REMOTE_OPERATIONS, scriptPath } from './script-catalog.ts';

const read = (name: string) => readFileSync(scriptPath(DEFAULT_SCRIPT_DIRECTORY, name as 'session'), 'utf8');
// Cmdlets that prompt (ConfirmImpact) and would swallow the next command while waiting for an answer.
const PROMPTING_CMDLETS = /\b(?:Start-VMFailover|Stop-VMFailover|Complete-VMFailover|Set-VMReplication|Suspend-VMReplication|Resume-VMReplication|Start-VM|Stop-VM|Set-VMHost|Suspend-ClusterNode)(?=\s)[^\n]*/g;
const CHANGING_CMDLETS = /\b(?:Start-VMFailover|Stop-VMFailover|Complete-VMFailover|Set-VMReplication|Suspend-VMReplication|Resume-VMReplication|Start-VM|Stop-VM|Set-VMHost|Suspend-ClusterNode|Resume-ClusterNode|Move-ClusterVirtualMachineRole)(?=\s)/;

describe('PowerShell scripts', () => {
  it('has one script per operation, the session script and the preamble, and nothing else', () => {
    const files = readdirSync(DEFAULT_SCRIPT_DIRECTORY).filter((f) => f.endsWith('.ps1')).map((f) => f.slice(0, -4)).sort();
    expect(files).toEqual([...REMOTE_OPERATIONS, 'session', 'host-preamble'].sort());
  });

  it.each([...REMOTE_OPERATIONS, 'session', 'host-preamble'])('%s is ASCII', (name) => {
    // Windows PowerShell reads BOM-less files in the ANSI code page: ASCII reads the same everywhere.
    const text = read(name);
    expect([...text].every((c) => c === '\t' || c === '\n' || c === '\r' || (c >= ' ' && c <= '~'))).toBe(true);
  });

  it('keeps the prelude and the error envelope in the preamble, once', () => {
    const text = read('host-preamble');
    expect(text).toContain('[Convert]::FromBase64String($Encoded)');
    expect(text).toContain("$ProgressPreference = 'SilentlyContinue'");
    expect(text).toContain("$WarningPreference = 'SilentlyContinue'");
    expect(text).toContain("$ErrorActionPreference = 'Stop'");
    expect(text).toContain('[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false');
    expect(text).toMatch(/function ConvertTo-StandbyAnswer\(/);
    expect(text).toMatch(/function ConvertTo-StandbyFailureAnswer\(/);
    // A param block would make session.ps1's own dot-sourcing of the preamble prompt for it.
    expect(text).not.toMatch(/^\s*param\s*\(/im);
    // session.ps1 composes each host script from this file and wraps the body in the envelope.
    const session = read('session');
    expect(session).toContain("'host-preamble.ps1'");
    expect(session).toContain('ConvertTo-StandbyFailureAnswer $_');
    expect(session).toMatch(/^param\(\[Parameter\(Mandatory = \$true\)\]\[string\]\$ArgumentsBase64\)$/m);
  });

  it.each(REMOTE_OPERATIONS)('%s holds only its body: no param, no prelude, no envelope, one answer', (name) => {
    const text = read(name);
    expect(text).not.toMatch(/^\s*param\s*\(/im);
    expect(text).not.toMatch(/function ConvertFrom-StandbyArgument|\$ErrorActionPreference|OutputEncoding/);
    expect(text).not.toMatch(/^\} catch \{/m);
    expect(text).not.toContain('$ArgumentsBase64');
    // Its answer leaves through the preamble's one serializer, once, as the last statement.
    expect(text.match(/ConvertTo-StandbyAnswer /g)).toHaveLength(1);
    expect(text).toMatch(/^ConvertTo-StandbyAnswer \$\w+ -Depth \d\s*$/m);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^ConvertTo-StandbyAnswer /);
    // Dates leave the host as ISO text, never as ConvertTo-Json's /Date()/ form.
    for (const m of text.matchAll(/n = "(\w*Time)"; e = \{ ([^}]*) \}/g)) expect(m[2]).toContain('Format-StandbyDate');
  });

  it.each(REMOTE_OPERATIONS)('%s passes -Confirm:$false to every cmdlet that may prompt', (name) => {
    const code = read(name).split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n');
    for (const [call] of code.matchAll(PROMPTING_CMDLETS)) expect(call, `${name}: ${call}`).toContain('-Confirm:$false');
  });

  it('marks as mutating exactly the operations whose scripts change something', () => {
    for (const name of REMOTE_OPERATIONS) {
      const text = read(name);
      const mutates = CHANGING_CMDLETS.test(text);
      expect(MUTATING_OPERATIONS.has(name), name).toBe(mutates);
    }
  });

  it.each([...REMOTE_OPERATIONS, 'session', 'host-preamble'])('%s never expands a value into PowerShell source', (name) => {
    const text = read(name);
    expect(text).not.toMatch(/Invoke-Expression|\biex\b|ExpandString/i);
    // ScriptBlock::Create only over our own files, in the session script.
    if (name !== 'session') expect(text).not.toContain('ScriptBlock]::Create');
  });
});
