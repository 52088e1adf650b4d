import { SiteSwitcher } from './site-switcher.tsx';
import { MainNav } from './main-nav.tsx';
import { ThemeToggle } from './theme-toggle.tsx';
import './top-bar.css';

export function TopBar() {
  return (
    <header className="top-bar">
      <div className="brand" aria-label="Standby">
        <svg className="brand-mark" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          <rect x="1" y="4" width="8" height="12" rx="1.5" />
          <rect x="11" y="4" width="8" height="12" rx="1.5" className="brand-mark-replica" />
          <path d="M6.5 10h7M11 7.5l2.5 2.5-2.5 2.5" className="brand-mark-arrow" />
        </svg>
        <span className="brand-name">Standby</span>
      </div>
      <SiteSwitcher />
      <MainNav />
      <div className="top-bar-end">
        <ThemeToggle />
      </div>
    </header>
  );
}
