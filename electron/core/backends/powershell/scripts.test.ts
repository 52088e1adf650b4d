import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT_DIRECTORY, MUTATING_OPERATIONS, REMOTE_OPERATIONS, scriptPath } from './script-catalog.ts';

const read = (name: string) => readFileSync(scriptPath(DEFAULT_SCRIPT_DIRECTORY, name as 'session'), 'utf8');
// Cmdlets that prompt (ConfirmImpact) and would swallow the next command while waiting for an answer.
const PROMPTING_CMDLETS = /\b(?:Start-VMFailover|Stop-VMFailover|Complete-VMFailover|Set-VMReplication|Suspend-VMReplication|Resume-VMReplication|Start-VM|Stop-VM|Set-VMHost|Suspend-ClusterNode)(?=\s)[^\n]*/g;
const CHANGING_CMDLETS = /\b(?:Start-VMFailover|Stop-VMFailover|Complete-VMFailover|Set-VMReplication|Suspend-VMReplication|Resume-VMReplication|Start-VM|Stop-VM|Set-VMHost|Suspend-ClusterNode|Resume-ClusterNode|Move-ClusterVirtualMachineRole)(?=\s)/;

describe('PowerShell scripts', () => {
  it('has one script per operation and nothing else', () => {
    const files = readdirSync(DEFAULT_SCRIPT_DIRECTORY).filter((f) => f.endsWith('.ps1')).map((f) => f.slice(0, -4)).sort();
    expect(files).toEqual([...REMOTE_OPERATIONS, 'session'].sort());
  });

  it.each([...REMOTE_OPERATIONS, 'session'])('%s is ASCII, takes one base64 argument and answers in compressed JSON', (name) => {
    const text = read(name);
    // Windows PowerShell reads BOM-less files in the ANSI code page: ASCII reads the same everywhere.
    expect([...text].every((c) => c === '\t' || c === '\n' || c === '\r' || (c >= ' ' && c <= '~'))).toBe(true);
    expect(text).toMatch(/^param\(\[Parameter\(Mandatory = \$true\)\]\[string\]\$ArgumentsBase64\)$/m);
    expect(text).toContain('[Convert]::FromBase64String($Encoded)');
    expect(text).toContain("$ProgressPreference = 'SilentlyContinue'");
    expect(text).toContain("$WarningPreference = 'SilentlyContinue'");
    expect(text).toContain("$ErrorActionPreference = 'Stop'");
    expect(text).toContain('[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false');
    expect(text).toMatch(/ConvertTo-Json -Depth \d -Compress\s*\}?\s*$/);
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

  it.each([...REMOTE_OPERATIONS, 'session'])('%s never expands a value into PowerShell source', (name) => {
    const text = read(name);
    expect(text).not.toMatch(/Invoke-Expression|\biex\b|ExpandString/i);
    // ScriptBlock::Create only over our own files, in the session script.
    if (name !== 'session') expect(text).not.toContain('ScriptBlock]::Create');
  });
});
