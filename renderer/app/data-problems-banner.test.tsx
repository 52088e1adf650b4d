import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DataProblems } from './data-problems-banner.tsx';

const problem = (line: number | null) => ({
  file: '/data/runs/r1.jsonl', line, problem: 'not a run journal record (not JSON)', keptIn: '/data/runs/r1.jsonl.quarantined', at: 1,
});

describe('the data problems banner', () => {
  it('names each file and line kept aside, and where it is kept', () => {
    const html = renderToStaticMarkup(<DataProblems problems={[problem(12), problem(null)]} total={2} />);
    expect(html).toContain('2 unreadable records in the data folder were kept aside;');
    expect(html).toContain('<code>/data/runs/r1.jsonl</code>, line 12: not a run journal record (not JSON)');
    expect(html).toContain('(kept in <code>/data/runs/r1.jsonl.quarantined</code>)');
  });

  it('counts what it does not list, and shows nothing when nothing was kept aside', () => {
    const many = Array.from({ length: 25 }, (_, i) => problem(i + 1));
    expect(renderToStaticMarkup(<DataProblems problems={many} total={240} />)).toContain('and 220 more, in the same quarantine files');
    expect(renderToStaticMarkup(<DataProblems problems={[]} total={0} />)).toBe('');
  });
});
