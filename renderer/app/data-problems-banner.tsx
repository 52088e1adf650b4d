import type { DataProblem } from '../../shared/model/data-problems.ts';
import { useConnection } from '../platform/services-context.tsx';
import { StatusGlyph } from '../ui/status-glyph.tsx';

/** How many kept-aside records the banner lists; the rest are counted (all are in the quarantine files). */
const SHOWN = 20;

/**
 * What the core could not read in its data folder and kept aside (journal lines, a profiles file):
 * the console started without them, and the operator must know which file and line to look at.
 */
export function DataProblemsBanner() {
  const data = useConnection((s) => s.session?.dataProblems);
  return data ? <DataProblems problems={data.problems} total={data.total} /> : null;
}

export function DataProblems({ problems, total }: { problems: DataProblem[]; total: number }) {
  if (total === 0) return null;
  return (
    <details className="stale-banner data-problems" data-testid="data-problems">
      <summary>
        <StatusGlyph tone="warn" />
        <b>{total} unreadable record{total === 1 ? '' : 's'} in the data folder {total === 1 ? 'was' : 'were'} kept aside;</b> the console started without {total === 1 ? 'it' : 'them'}. Show where
      </summary>
      <ul>
        {problems.slice(0, SHOWN).map((p, i) => (
          <li key={i}>
            <code>{p.file}</code>{p.line !== null ? `, line ${p.line}` : ''}: {p.problem} <span className="muted">(kept in <code>{p.keptIn}</code>)</span>
          </li>
        ))}
        {total > SHOWN ? <li className="muted">and {total - SHOWN} more, in the same quarantine files</li> : null}
      </ul>
    </details>
  );
}
