import { describe, expect, it } from 'vitest';
import { fitHeatmap, heatmapHeight, type HeatmapBox } from './heatmap-layout.ts';

/** The wall's heatmap panel at a root font of `rem` px (see wall.css), with the lab's ~600 VMs. */
function box(width: number, height: number, rem: number, sites: number[][] = [[150, 150, 150, 150]]): HeatmapBox {
  return { width, height, sites, labelWidth: 5 * rem, siteHeader: 1.5 * rem, lineHeight: 1.25 * rem, gap: Math.round(rem / 8), clusterGap: Math.round(rem / 3) };
}

describe('heatmap fit', () => {
  it('picks the largest cell that fits: one pixel more does not', () => {
    for (const b of [box(860, 960, 24), box(1720, 1920, 48), box(500, 400, 17, [[300, 12], [40]])]) {
      const { cell, columns } = fitHeatmap(b);
      expect(heatmapHeight(b, cell)).toBeLessThanOrEqual(b.height);
      expect(heatmapHeight(b, cell + 1)).toBeGreaterThan(b.height);
      expect(columns * (cell + b.gap) - b.gap).toBeLessThanOrEqual(b.width - b.labelWidth);
    }
  });

  it('scales with the wall: at 3840×2160 the cells are twice their 1920×1080 size (to a pixel)', () => {
    const small = fitHeatmap(box(860, 960, 24)).cell;
    const large = fitHeatmap(box(1720, 1920, 48)).cell;
    expect(small).toBeGreaterThanOrEqual(20);
    expect(Math.abs(large - 2 * small)).toBeLessThanOrEqual(2);
  });

  it('falls back to the smallest cell when even that does not fit, rather than a zero-size grid', () => {
    expect(fitHeatmap(box(200, 50, 24, [[5000]])).cell).toBe(4);
  });
});
