import { describe, expect, it } from 'vitest';
import { createNodePowerShell } from './ps-shell.ts';
import { PWSH, PWSH_MISSING } from '../../testing/powershell-double/real-pwsh.ts';

/**
 * node-powershell's shell is a real pwsh. Started from a terminal (TERM=xterm...), pwsh's console
 * writes keypad-mode escape sequences (ESC[?1h ESC[?1l) around every command's output, so the first
 * answer of a session was "output holds more than the JSON answer" and every site was lost.
 */
describe.skipIf(!PWSH)(`a real pwsh behind node-powershell${PWSH ? '' : ` (${PWSH_MISSING})`}`, { timeout: 60_000 }, () => {
  it('prints only what the command wrote, whatever terminal the console was started from', async () => {
    const shell = createNodePowerShell({ executable: PWSH!, env: { ...process.env, TERM: 'xterm-256color' } });
    try {
      const out = await shell.invoke(`ConvertTo-Json -Compress -InputObject @{ ok = $true }`, 30_000);
      expect(out.stdout.trim()).toBe('{"ok":true}');
      expect(out.stderr).toBe('');
    } finally {
      await shell.dispose();
    }
  });
});
