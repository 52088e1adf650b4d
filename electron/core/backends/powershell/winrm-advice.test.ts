import { describe, expect, it } from 'vitest';
import { adviseRemotingFailure } from './winrm-advice.ts';

// Messages as Windows writes them (about_Remote_Troubleshooting and field reports).
const CASES: [string, string, RegExp][] = [
  ['access-denied', 'AccessDenied,PSSessionStateBroken: Connecting to remote server HV-A01 failed with the following error message : Access is denied.', /HV-A01 refused the credentials: check the user name and password/],
  ['trusted-hosts', 'ServerNotTrusted,PSSessionStateBroken: The WinRM client cannot process the request. Default authentication may be used with an IP address under the following conditions: the transport is HTTPS or the destination is in the TrustedHosts list', /does not trust HV-A01/],
  ['winrm-not-running', 'Connecting to remote server HV-A01 failed with the following error message : The client cannot connect to the destination specified in the request. Verify that the service on the destination is running', /Enable-PSRemoting -Force/],
  ['name-or-firewall', 'WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled', /TCP 5985/],
  ['second-hop', 'Start-VMFailover : No credentials are available in the security package (0x8009030E). Access is denied.', /constrained delegation/],
  ['jea-endpoint', "The term 'ConvertTo-Json' is not recognized as the name of a cmdlet, function, script file, or operable program.", /JEA endpoint/],
  ['powershell-missing', 'spawn pwsh ENOENT', /install PowerShell 7/],
  ['timeout', 'No answer within 60 s.', /did not answer in time/],
  ['shell-exited', 'The PowerShell process ended during the command (exit code 1).', /reconnecting/],
];

describe('WinRM failure advice', () => {
  it.each(CASES)('%s gets one sentence that says what to do', (kind, detail, advice) => {
    const failure = adviseRemotingFailure(detail, 'HV-A01');
    expect(failure.kind).toBe(kind);
    expect(failure.advice).toMatch(advice);
    expect(failure.advice.split(/[.!?](\s|$)/).filter((s) => s.trim()).length).toBe(1);
    expect(failure.detail).toBe(detail);
  });

  it('still says something useful for an unknown failure', () => {
    expect(adviseRemotingFailure('Something odd', null)).toMatchObject({ kind: 'unknown', advice: expect.stringContaining('Test-WSMan') });
  });
});
