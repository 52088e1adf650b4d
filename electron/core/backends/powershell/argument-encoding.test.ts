import { describe, expect, it } from 'vitest';
import { HOSTILE_NAMES } from '../../testing/powershell-double/hostile-names.ts';
import { bootstrapLine, BOOTSTRAP_LINE, decodeArgument, encodeArgument, OPERATION_LINE, operationLine } from './argument-encoding.ts';


describe('argument encoding', () => {
  it.each(HOSTILE_NAMES.map((n) => [n]))('round-trips %j unchanged and keeps it out of the command text', (name) => {
    const argument = { route: { kind: 'node', computerName: 'HV-A01' }, vmName: name, note: name };
    const line = operationLine('start-vmfailover', argument);
    expect(decodeArgument(encodeArgument(argument))).toEqual(argument);
    // The line is fixed text plus base64: nothing PowerShell would expand, and one line.
    const m = OPERATION_LINE.exec(line);
    expect(m).not.toBeNull();
    expect(decodeArgument(m![2]!)).toEqual(argument);
    expect(line).not.toContain(name);
    expect(line).not.toMatch(/[\r\n$`"‘’‚‛“”„;|&]/);
    expect(line.replace(/^Invoke-StandbyOperation '[a-z-]+' '/, '').replace(/'$/, '')).toMatch(/^[A-Za-z0-9+/=]+$/);
  });

  it('round-trips a bootstrap path with quotes in it without putting the path in the text', () => {
    const path = `C:\\Users\\O'Brien ‘test’\\AppData\\Local\\Standby\\resources\\scripts\\session.ps1`;
    const line = bootstrapLine(path, { scriptDirectory: path, operations: ['ping'] });
    const m = BOOTSTRAP_LINE.exec(line);
    expect(m).not.toBeNull();
    expect(Buffer.from(m![1]!, 'base64').toString('utf8')).toBe(path);
    expect(line).not.toContain("O'Brien");
    expect(line).not.toMatch(/[\r\n]/);
  });

  it('refuses operation names that are not plain words', () => {
    for (const bad of ["ping'; Stop-Computer; '", 'Ping', '', 'a b', '../x', 'ping\n']) {
      expect(() => operationLine(bad, {})).toThrow(/Not an operation name/);
    }
  });

  it('takes only one JSON object as argument', () => {
    expect(() => encodeArgument([] as unknown as Record<string, unknown>)).toThrow();
    expect(() => decodeArgument('not base64!')).toThrow();
    expect(() => decodeArgument(Buffer.from('[1]').toString('base64'))).toThrow();
  });
});
