import { create } from 'zustand';

/** Which side sheet is open over the current view: the alert list or the lab controls. */
export type Sheet = 'alerts' | 'lab' | null;

export const useSheet = create<{ sheet: Sheet; open(sheet: Sheet): void; toggle(sheet: Exclude<Sheet, null>): void }>((set) => ({
  sheet: null,
  open: (sheet) => set({ sheet }),
  toggle: (sheet) => set((s) => ({ sheet: s.sheet === sheet ? null : sheet })),
}));
