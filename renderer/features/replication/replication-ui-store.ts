import { create } from 'zustand';
import type { HistoryRange } from '../../../shared/model/replication.ts';
import { EMPTY_FILTER, type GroupBy, type RowFilter, type RowSort, type SortKey } from './replication-rows.ts';

/** View state of the replication grid, kept outside the component so it survives switching views. */
export interface ReplicationUiState {
  filter: RowFilter;
  sort: RowSort;
  groupBy: GroupBy;
  collapsed: ReadonlySet<string>;
  /** Record ids of the protected copies selected for an action. */
  selected: ReadonlySet<string>;
  /** Where a shift-click or shift-arrow range starts. */
  anchorId: string | null;
  /** The row holding the grid's tab stop. */
  focusedId: string | null;
  /** The VM in the detail drawer. */
  drawerId: string | null;
  historyRange: HistoryRange;
  setFilter(change: Partial<RowFilter>): void;
  clearFilter(): void;
  sortBy(key: SortKey): void;
  setGroupBy(groupBy: GroupBy): void;
  toggleGroup(key: string): void;
  setSelection(ids: Iterable<string>, anchorId?: string | null): void;
  toggleSelected(id: string): void;
  focus(id: string | null): void;
  openDrawer(id: string | null): void;
  setHistoryRange(range: HistoryRange): void;
}

export const useReplicationUi = create<ReplicationUiState>((set) => ({
  filter: EMPTY_FILTER,
  sort: { key: 'health', dir: 'asc' },
  groupBy: 'none',
  collapsed: new Set(),
  selected: new Set(),
  anchorId: null,
  focusedId: null,
  drawerId: null,
  historyRange: 'hour',
  setFilter: (change) => set((s) => ({ filter: { ...s.filter, ...change } })),
  clearFilter: () => set({ filter: EMPTY_FILTER }),
  sortBy: (key) => set((s) => ({ sort: { key, dir: s.sort.key === key && s.sort.dir === 'asc' ? 'desc' : 'asc' } })),
  setGroupBy: (groupBy) => set({ groupBy, collapsed: new Set() }),
  toggleGroup: (key) => set((s) => {
    const collapsed = new Set(s.collapsed);
    if (collapsed.has(key)) collapsed.delete(key);
    else collapsed.add(key);
    return { collapsed };
  }),
  setSelection: (ids, anchorId) => set((s) => ({ selected: new Set(ids), anchorId: anchorId === undefined ? s.anchorId : anchorId })),
  toggleSelected: (id) => set((s) => {
    const selected = new Set(s.selected);
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    return { selected, anchorId: id };
  }),
  focus: (focusedId) => set({ focusedId }),
  openDrawer: (drawerId) => set({ drawerId }),
  setHistoryRange: (historyRange) => set({ historyRange }),
}));
