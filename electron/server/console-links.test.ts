import { describe, expect, it } from 'vitest';
import { parseCliOptions } from './cli-options.ts';
import { consoleLinks } from './console-links.ts';

describe('npm run serve -- --wall', () => {
  it('implies a viewer token and prints the wall link with it, after the console links', () => {
    const options = parseCliOptions(['--wall'], '/repo');
    expect(options).toMatchObject({ wall: true, viewer: true });
    const text = consoleLinks('http://127.0.0.1:4280', { operator: 'OP', viewer: 'VIEW' }, options.wall);
    expect(text.split('\n')).toEqual([
      'Standby is running. Open the console:',
      '  operator: http://127.0.0.1:4280/?token=OP',
      '  viewer (read-only): http://127.0.0.1:4280/?token=VIEW',
      '  NOC wall (read-only): http://127.0.0.1:4280/wall?token=VIEW',
      '',
    ]);
  });

  it('prints no wall link without --wall, and never one with the operator token', () => {
    expect(parseCliOptions([], '/repo')).toMatchObject({ wall: false, viewer: false });
    expect(consoleLinks('http://h:1', { operator: 'OP', viewer: 'V' }, false)).not.toContain('/wall');
    expect(consoleLinks('http://h:1', { operator: 'OP', viewer: null }, true)).not.toContain('wall');
  });
});
