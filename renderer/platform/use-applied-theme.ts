import { useEffect } from 'react';
import { resolveTheme } from './settings-store.ts';
import { useSettings } from './services-context.tsx';

/** Puts the resolved theme on <html data-theme>, where the tokens stylesheet picks it up. */
export function useAppliedTheme(): void {
  const theme = useSettings(resolveTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
}
