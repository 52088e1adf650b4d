import type { ReactNode } from 'react';
import { StatusGlyph } from '../ui/status-glyph.tsx';
import { useConnection, useEstate, useServices } from '../platform/services-context.tsx';

/** Shows the views once there is an estate; until then, says plainly what is happening and what to do. */
export function EstateGate({ children }: { children: ReactNode }) {
  const { estate } = useServices();
  const connection = useConnection((s) => s.state);
  const detail = useConnection((s) => s.detail);
  const status = useEstate((s) => s.status);
  const error = useEstate((s) => s.error);
  const hasEstate = useEstate((s) => s.snapshot !== null);

  if (connection === 'unauthorized') {
    return (
      <section className="notice-pane" role="alert">
        <h2><StatusGlyph tone="crit" /> This console was refused by the Standby server</h2>
        <p>The access token is missing, wrong, or no longer valid{detail ? ` (${detail})` : ''}.</p>
        <ul>
          <li>Open the address printed by <code>npm run serve</code> when it started; it ends in <code>?token=…</code>.</li>
          <li>A viewer (read-only) link and an operator link carry different tokens; ask whoever runs the server for the one you need.</li>
          <li>If the server was restarted with new tokens, the old address stops working.</li>
        </ul>
      </section>
    );
  }
  if (hasEstate) {
    if (connection === 'connected') return <>{children}</>;
    return (
      <>
        <div className="stale-banner" role="alert" data-testid="stale-banner">
          <StatusGlyph tone="warn" />
          <span><b>Connection to the Standby core lost.</b> Everything below is as it was when the link dropped and is not updating.</span>
          {detail ? <span className="muted">{detail}</span> : null}
        </div>
        {children}
      </>
    );
  }
  if (status === 'error') {
    return (
      <section className="notice-pane" role="alert">
        <h2><StatusGlyph tone="warn" /> The estate could not be loaded</h2>
        <p>{error}</p>
        <p>Retrying automatically every few seconds.</p>
        <button type="button" onClick={() => void estate.resync()}>Retry now</button>
      </section>
    );
  }
  return (
    <section className="notice-pane" aria-busy="true">
      <h2><StatusGlyph tone="info" /> {connection === 'connected' ? 'Loading the estate…' : 'Connecting to the Standby core…'}</h2>
      {detail ? <p>{detail}</p> : null}
    </section>
  );
}
