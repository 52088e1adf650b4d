import type { RemotingFailure, RemotingFailureKind } from '../../../../shared/model/connections.ts';

/**
 * The remoting failures people really meet, each with one sentence that says what to do. Matched on
 * FullyQualifiedErrorId and message text, most specific first (a second-hop failure also says
 * "access denied"). Wording of the messages is from Microsoft's about_Remote_Troubleshooting;
 * the exact ids on a given Windows build are unverified.
 */
interface Rule { kind: RemotingFailureKind; test: RegExp; advice: (node: string) => string }

const RULES: Rule[] = [
  {
    kind: 'second-hop',
    test: /0x8009030E|No credentials are available in the security package/i,
    advice: () => 'A host needed your credentials to reach another host (second hop): set up Kerberos constrained delegation between the cluster nodes, or switch this connection to CredSSP.',
  },
  {
    kind: 'trusted-hosts',
    test: /ServerNotTrusted|TrustedHosts/i,
    advice: (node) => `This computer does not trust ${node}: connect by its domain name from a domain-joined workstation, use HTTPS, or add it to TrustedHosts (Set-Item WSMan:\\localhost\\Client\\TrustedHosts).`,
  },
  {
    kind: 'jea-endpoint',
    test: /RemoteSessionNotAllowed|PSSessionConfiguration|configuration name|language mode|NoLanguage|is not recognized as the name of a cmdlet/i,
    advice: (node) => `The JEA endpoint on ${node} refused Standby's commands: check the configuration name and that its role capability allows the Standby functions and ConvertTo-Json.`,
  },
  {
    kind: 'access-denied',
    test: /AccessDenied|Access is denied|logon failure|user name or password is incorrect/i,
    advice: (node) => `${node} refused the credentials: check the user name and password, and that the account is in Hyper-V Administrators and Remote Management Users there (or in the JEA role).`,
  },
  {
    kind: 'winrm-not-running',
    test: /actively refused|connection refused|ECONNREFUSED|0x80338012|WinRM service is not running|cannot connect to the destination/i,
    advice: (node) => `WinRM is not answering on ${node}: run Enable-PSRemoting -Force there, or start the Windows Remote Management service.`,
  },
  {
    kind: 'name-or-firewall',
    test: /WinRM cannot complete the operation|cannot find the computer|0x80338126|network path was not found|name resolution|No such host|WinRMOperationTimeout/i,
    advice: (node) => `${node} cannot be reached: check that the name resolves in DNS and that the firewall allows WinRM (TCP 5985, or 5986 for HTTPS).`,
  },
  {
    kind: 'no-nodes',
    test: /No cluster node was found/i,
    advice: (node) => `No node of ${node} was found: check the cluster name, or list the node names in this connection.`,
  },
  {
    kind: 'powershell-missing',
    test: /ENOENT|spawn .* not found|PowerShell was not found/i,
    advice: () => 'PowerShell was not found on this computer: run Standby on Windows, or install PowerShell 7 (pwsh) and put it on the PATH.',
  },
  {
    kind: 'timeout',
    test: /timed out|No answer within|OperationTimeout/i,
    advice: (node) => `${node} did not answer in time: check the host's load and network, or raise this connection's timeout.`,
  },
  {
    kind: 'shell-exited',
    test: /process (has )?ended|exited/i,
    advice: () => 'The local PowerShell process ended unexpectedly: Standby is reconnecting; if it keeps happening, check antivirus or AppLocker rules on this computer.',
  },
];

export function adviseRemotingFailure(detail: string, computerName: string | null = null): RemotingFailure {
  const where = computerName || 'the host';
  const rule = RULES.find((r) => r.test.test(detail));
  return {
    kind: rule?.kind ?? 'unknown',
    advice: rule ? rule.advice(where) : `Connecting to ${where} failed: see the details, and check that PowerShell remoting works from this computer (Test-WSMan ${where}).`,
    detail,
    computerName,
  };
}
