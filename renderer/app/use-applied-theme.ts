import { useEffect } from 'react';
import { resolveTheme } from '../platform/settings-store.ts';
import { useSettings } from '../platform/services-context.tsx';

/** Puts the resolved theme on <html data-theme>, where the tokens stylesheet picks it up. */
export function useAppliedTheme(): void {
  const theme = useSettings(resolveTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
}
