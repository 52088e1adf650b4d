import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { twoSiteEstate } from '../../testing/estate-fixture.ts';
import { DetailPanel } from './detail-panel.tsx';
import { ReplicationOverlay, buildTopologyIndex } from './topology-index.ts';

/** The host drawer of a1 (three primaries, every one last reported Normal) with the node in `state`. */
function hostDrawer(state: 'Up' | 'Down' | 'Unknown'): string {
  const snap = twoSiteEstate(3);
  snap.hosts['a1'] = { ...snap.hosts['a1']!, state };
  const index = buildTopologyIndex(snap);
  return renderToStaticMarkup(
    <DetailPanel selectedKey="host:a1" index={index} overlay={new ReplicationOverlay(index)} tables={snap} onClose={() => {}} onSelect={() => {}} />,
  );
}

describe("a host's drawer", () => {
  it('says a Down node leaves its copies unreported, and shows their last Normal without the all-clear tick', () => {
    const html = hostDrawer('Down');
    expect(html).toContain('data-testid="host-silent"');
    expect(html).toContain('Node down · 3 copies not reporting');
    expect(html).toContain('Replication health its VMs last reported');
    // The only "ok" glyph an Up host's drawer has is its VMs' Normal; a Down host's has none.
    expect(html).not.toContain('glyph-ok');
    expect(hostDrawer('Unknown')).toContain('Node unknown · 3 copies not reporting');
  });

  it('shows an Up host with every copy Normal as normal', () => {
    const html = hostDrawer('Up');
    expect(html).not.toContain('host-silent');
    expect(html).toContain('glyph-ok');
    expect(html).toContain('Replication health of its VMs');
  });
});
