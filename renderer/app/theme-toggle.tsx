import type { Theme } from '../../shared/model/settings.ts';
import { chosenTheme, resolveTheme } from '../platform/settings-store.ts';
import { StatusGlyph } from '../ui/status-glyph.tsx';
import { useConnection, useServices, useSettings } from '../platform/services-context.tsx';

const OPTIONS: Array<{ theme: Theme; label: string }> = [
  { theme: 'system', label: 'System' },
  { theme: 'light', label: 'Light' },
  { theme: 'dark', label: 'Dark' },
];

export function ThemeToggle() {
  const { settings } = useServices();
  const chosen = useSettings(chosenTheme);
  const resolved = useSettings(resolveTheme);
  const notice = useSettings((s) => s.notice);
  const local = useSettings((s) => s.localTheme !== null);
  const role = useConnection((s) => s.session?.role);
  return (
    <div className="theme-toggle" role="group" aria-label="Theme" data-testid="theme-toggle" title={notice ?? (role !== undefined && role !== 'operator' ? 'Read-only: changes apply to this browser only' : 'Theme for every Standby window')}>
      {OPTIONS.map(({ theme, label }) => (
        <button
          key={theme}
          type="button"
          aria-pressed={chosen === theme}
          onClick={() => void settings.setTheme(theme, role)}
          title={theme === 'system' ? `Follow the operating system (now ${resolved})` : `${label} theme`}
        >
          {label}
        </button>
      ))}
      {local ? <span className="theme-toggle-notice" role="status" title={notice ?? undefined}>this browser only</span> : null}
      {notice && !local ? <span className="theme-toggle-problem" role="status" title={notice}><StatusGlyph tone="warn" label={notice} /></span> : null}
    </div>
  );
}
