import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RemotingFailureKindSchema } from '../../../shared/model/connections.ts';
import { FAILURE_TITLE } from './connection-labels.ts';
import { FailureAdvice } from './failure-advice.tsx';

/** What the core reports for each failure, rendered: the sentence in full, the raw detail folded. */
const SAMPLES: Record<string, string> = {
  'access-denied': 'AccessDenied,PSSessionStateBroken: Access is denied.',
  'trusted-hosts': 'ServerNotTrusted,PSSessionStateBroken: add it to the TrustedHosts configuration setting',
  'winrm-not-running': 'The client cannot connect to the destination specified in the request.',
  'name-or-firewall': 'WinRM cannot complete the operation.',
  'second-hop': 'No credentials are available in the security package (0x8009030E)',
  'jea-endpoint': 'RemoteSessionNotAllowed: PSSessionConfiguration StandbyOps',
  timeout: 'No answer within 30 s.',
  'shell-exited': 'The PowerShell process has ended (exit code 1).',
  'powershell-missing': 'spawn pwsh ENOENT',
  'no-nodes': 'No cluster node was found for CL-X.',
  unknown: 'Something nobody has seen before <b>',
};

describe('the advice of every failure mode', () => {
  for (const kind of RemotingFailureKindSchema.options) {
    it(`shows ${kind} as its title and sentence, with the detail folded`, () => {
      // As the core reports it (electron/core/sessions/winrm-advice.ts writes the real sentences).
      const failure = { kind, advice: `HV-A01's ${kind} sentence: do "this" & that.`, detail: SAMPLES[kind]!, computerName: 'HV-A01' };
      const html = renderToStaticMarkup(<FailureAdvice failure={failure} />);
      const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;');
      expect(html).toContain(`data-kind="${kind}"`);
      expect(html).toContain(escape(FAILURE_TITLE[kind]));
      expect(html).toContain(`<p class="failure-sentence" data-testid="failure-sentence">${escape(failure.advice)}</p>`);
      expect(html).toMatch(/<details class="failure-detail"><summary>What PowerShell said<\/summary><pre data-testid="failure-detail">/);
      expect(html).not.toContain('<details class="failure-detail" open');
      expect(html).toContain(escape(SAMPLES[kind]!));
    });
  }
});
