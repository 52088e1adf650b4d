import type { RemotingFailure } from '../../../shared/model/connections.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { FAILURE_TITLE } from './connection-labels.ts';

/** The one sentence that says what to do, large; what PowerShell said, folded away for support. */
export function FailureAdvice({ failure, tone = 'crit' }: { failure: RemotingFailure; tone?: 'crit' | 'warn' }) {
  return (
    <div className={`failure-advice failure-${tone}`} role="alert" data-testid="failure-advice" data-kind={failure.kind}>
      <p className="failure-title"><StatusGlyph tone={tone} /> {FAILURE_TITLE[failure.kind]}{failure.computerName ? <span className="muted"> · {failure.computerName}</span> : null}</p>
      <p className="failure-sentence" data-testid="failure-sentence">{failure.advice}</p>
      {failure.detail ? (
        <details className="failure-detail">
          <summary>What PowerShell said</summary>
          <pre data-testid="failure-detail">{failure.detail}</pre>
        </details>
      ) : null}
    </div>
  );
}
