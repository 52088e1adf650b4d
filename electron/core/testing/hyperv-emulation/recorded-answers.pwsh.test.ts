import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { PWSH, PWSH_MISSING } from '../powershell-double/real-pwsh.ts';
import { startEmulatedBackend } from './emulated-backend.ts';
import { comparableAnswer, RECORDED_ANSWERS_FILE, RECORDED_ESTATE, recordAnswers, type RecordedAnswers } from './recorded-answers.ts';

vi.setConfig({ testTimeout: 400_000 });

/**
 * The fixture the double is pinned to is what real PowerShell + the emulation answer now.
 * STANDBY_RECORD=1 (or no fixture yet) writes it instead of comparing.
 */
describe.skipIf(!PWSH)(`answers recorded from real PowerShell + emulation${PWSH ? '' : ` (${PWSH_MISSING})`}`, () => {
  it('still match fixtures/emulation-answers.json', async () => {
    const emulated = await startEmulatedBackend({ ...RECORDED_ESTATE });
    let answers: RecordedAnswers;
    try { answers = await recordAnswers(emulated.sessions); } finally { await emulated.dispose(); }
    if (process.env.STANDBY_RECORD === '1' || !existsSync(RECORDED_ANSWERS_FILE)) {
      writeFileSync(RECORDED_ANSWERS_FILE, `${JSON.stringify(answers, null, 1)}\n`);
    }
    const recorded = JSON.parse(readFileSync(RECORDED_ANSWERS_FILE, 'utf8')) as RecordedAnswers;
    expect(Object.keys(answers)).toEqual(Object.keys(recorded));
    for (const key of Object.keys(recorded)) expect(comparableAnswer(answers[key]), key).toEqual(comparableAnswer(recorded[key]));
  });
});
