import { useEffect, type InputHTMLAttributes, type RefObject } from 'react';
import './search-field.css';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'ref'> & {
  inputRef: RefObject<HTMLInputElement | null>;
  /** Extra class beside search-field (a view's own width). */
  fieldClassName?: string;
  /** The shortcut shown inside the empty field, e.g. "Ctrl K". */
  hint?: string;
};

/**
 * The find field of a view: a search input with its icon, focused and selected from anywhere by
 * Ctrl+K (⌘K) or by "/" when the operator is not typing elsewhere.
 */
export function SearchField({ inputRef, fieldClassName, hint, ...input }: Props) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = isTypingTarget(event.target);
      const ctrlK = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k';
      if (ctrlK || (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey)) {
        event.preventDefault();
        inputRef.current?.focus();
        inputRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [inputRef]);

  return (
    <div className={fieldClassName ? `search-field ${fieldClassName}` : 'search-field'}>
      <svg className="search-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><circle cx="7" cy="7" r="4.5" /><path d="M10.5 10.5l3.5 3.5" /></svg>
      <input ref={inputRef} type="search" spellCheck={false} autoComplete="off" {...input} />
      {hint ? <kbd className="search-hint" aria-hidden="true">{hint}</kbd> : null}
    </div>
  );
}

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}
