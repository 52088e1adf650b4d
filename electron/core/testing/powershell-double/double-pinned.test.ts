import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparableAnswer, RECORDED_ANSWERS_FILE, RECORDED_ESTATE, recordAnswers, type RecordedAnswers } from '../hyperv-emulation/recorded-answers.ts';
import { startDoubleBackend, type DoubleBackend } from './double-backend.ts';

/**
 * Two fakes that drift are worse than one: the double must answer the host scripts' reads as real
 * PowerShell + the cmdlet emulation did for the same estate (fixtures/emulation-answers.json, recorded
 * by emulated-estate.pwsh.test.ts): the same rows and keys, the same lab values, enums by name, dates
 * as instants; values both fakes make up (backlog sizes, uptime) are held to their JSON kind only.
 */
describe('the double pinned to the emulation\'s recorded answers', () => {
  let double: DoubleBackend;
  let answers: RecordedAnswers;
  const recorded = JSON.parse(readFileSync(RECORDED_ANSWERS_FILE, 'utf8')) as RecordedAnswers;
  beforeAll(async () => {
    double = await startDoubleBackend({ ...RECORDED_ESTATE, profileNodes: true });
    answers = await recordAnswers(double.sessions);
  }, 60_000);
  afterAll(async () => { await double.dispose(); });

  it('answers the same hosts and operations', () => {
    expect(Object.keys(answers)).toEqual(Object.keys(recorded));
  });

  it.each(Object.keys(recorded))('%s: same rows, keys and lab values', (key) => {
    expect(comparableAnswer(answers[key])).toEqual(comparableAnswer(recorded[key]));
  });
});
