import { useState } from 'react';
import type { EvidenceVerdict } from '../../../shared/model/evidence-pack.ts';
import type { RunSnapshot } from '../../../shared/model/recovery-run.ts';
import { describeError } from '../../platform/describe-error.ts';
import { useServices } from '../../platform/services-context.tsx';
import { StatusGlyph } from '../../ui/status-glyph.tsx';

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** The run's evidence pack: made (and written to the data folder) on demand, downloaded, verified against the journal. */
export function EvidencePanel({ run }: { run: RunSnapshot }) {
  const { client } = useServices();
  const [busy, setBusy] = useState<'make' | 'verify' | null>(null);
  const [made, setMade] = useState<{ dir: string; packHash: string; pdfProblem: string | null } | null>(null);
  const [verdict, setVerdict] = useState<EvidenceVerdict | null>(null);
  const [error, setError] = useState<string | null>(null);

  const make = async () => {
    setBusy('make'); setError(null);
    try {
      const pack = await client.request('recovery.evidence', { runId: run.id });
      const base = `standby-evidence-${run.id}`;
      download(`${base}.html`, new Blob([pack.html], { type: 'text/html' }));
      download(`${base}.json`, new Blob([pack.json], { type: 'application/json' }));
      if (pack.pdf) download(`${base}.pdf`, new Blob([base64Bytes(pack.pdf)], { type: 'application/pdf' }));
      setMade({ dir: pack.dir, packHash: pack.packHash, pdfProblem: pack.pdfProblem });
      setVerdict(pack.verdict);
    } catch (e) { setError(describeError(e)); } finally { setBusy(null); }
  };
  const verify = async () => {
    setBusy('verify'); setError(null);
    try { setVerdict(await client.request('recovery.verifyEvidence', { runId: run.id })); } catch (e) { setError(describeError(e)); } finally { setBusy(null); }
  };

  return (
    <section className="evidence" data-testid="evidence" aria-labelledby="evidence-title">
      <h3 id="evidence-title">Evidence pack</h3>
      <p className="muted">The report an auditor keeps: HTML, PDF and JSON, with a hash chain over this run's journal.</p>
      <div className="evidence-actions">
        <button type="button" className="primary" data-testid="evidence-make" disabled={busy !== null} onClick={() => void make()}>
          {busy === 'make' ? 'Making the pack…' : 'Download evidence pack'}
        </button>
        <button type="button" data-testid="evidence-verify" disabled={busy !== null} onClick={() => void verify()}>
          {busy === 'verify' ? 'Verifying…' : 'Verify'}
        </button>
      </div>
      {made ? <p className="muted small" data-testid="evidence-written">Written to {made.dir}. {made.pdfProblem ?? ''}</p> : null}
      {error ? <p className="inline-error" role="alert"><StatusGlyph tone="crit" /> {error}</p> : null}
      {verdict ? (
        <div data-testid="evidence-verdict" data-ok={verdict.ok} role="status">
          <p><StatusGlyph tone={verdict.ok ? 'ok' : 'crit'} /> {verdict.ok ? 'Verified: the pack and the run journal are as they were when it was made.' : 'NOT verified: something changed since the pack was made.'}</p>
          <ul className="evidence-checks">
            {verdict.checks.filter((c) => !verdict.ok ? !c.ok : true).map((c) => <li key={c.name}>{c.ok ? '✓' : '✗'} {c.name}: {c.detail}</li>)}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
