import { create } from 'zustand';
import { DEFAULT_EXPANSION, type Expansion } from './flatten-tree.ts';

/** View state of the topology tree, kept outside the component so it survives switching views. */
export interface TopologyUiState {
  query: string;
  expansion: Expansion;
  /** `${kind}:${id}` of the host or VM in the detail panel. */
  selectedKey: string | null;
  /** The row that holds the tree's tab stop. */
  focusedKey: string | null;
  setQuery(query: string): void;
  toggle(key: string, open: boolean): void;
  expandAll(): void;
  collapseAll(): void;
  select(key: string | null): void;
  focus(key: string): void;
}

export const useTopologyUi = create<TopologyUiState>((set) => ({
  query: '',
  expansion: DEFAULT_EXPANSION,
  selectedKey: null,
  focusedKey: null,
  setQuery: (query) => set({ query }),
  toggle: (key, open) => set((s) => {
    const overrides = new Map(s.expansion.overrides);
    overrides.set(key, open);
    return { expansion: { base: s.expansion.base, overrides } };
  }),
  expandAll: () => set({ expansion: { base: 'all', overrides: new Map() } }),
  collapseAll: () => set({ expansion: { base: 'none', overrides: new Map() } }),
  select: (selectedKey) => set({ selectedKey }),
  focus: (focusedKey) => set({ focusedKey }),
}));
