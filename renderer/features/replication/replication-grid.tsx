import { useCallback, useMemo, type KeyboardEvent, type MouseEvent } from 'react';
import { useRovingVirtualList } from '../../ui/use-roving-virtual-list.ts';
import type { GridItem, ReplicationRow, SortKey } from './replication-rows.ts';
import { useReplicationUi } from './replication-ui-store.ts';
import { COLUMNS, GridRow, GroupRow } from './grid-row.tsx';

interface Props {
  items: GridItem[];
  /** The rows of the current filter, in display order (including those in collapsed groups). */
  rows: ReplicationRow[];
  now: number;
}

const ROW_REM = 1.875;

/**
 * Every protected VM, virtualized: about forty rows are in the DOM whatever the estate's size.
 * Keyboard: arrows/Home/End/PageUp/PageDown move, Space selects, Shift extends, Ctrl+A selects all
 * shown, Enter opens the details, Escape clears the selection.
 */
export function ReplicationGrid({ items, rows, now }: Props) {
  const sort = useReplicationUi((s) => s.sort);
  const selected = useReplicationUi((s) => s.selected);
  const focusedId = useReplicationUi((s) => s.focusedId);
  const drawerId = useReplicationUi((s) => s.drawerId);
  const anchorId = useReplicationUi((s) => s.anchorId);
  const { sortBy, setSelection, toggleSelected, focus, openDrawer, toggleGroup } = useReplicationUi.getState();
  const { scrollRef, rowPx, positions, tabStopKey: tabStop, virtualizer, moveFocus } = useRovingVirtualList({
    items, focusedKey: focusedId, focus, rowRem: ROW_REM, overscan: 12, keyAttribute: 'data-row-id',
  });
  const rowOrder = useMemo(() => {
    const map = new Map<string, number>();
    rows.forEach((r, i) => map.set(r.id, i));
    return map;
  }, [rows]);

  /** Rows between the anchor and `id` in display order (the range a shift-click selects). */
  const rangeTo = useCallback((id: string): string[] => {
    const to = rowOrder.get(id);
    const from = anchorId !== null ? rowOrder.get(anchorId) : undefined;
    if (to === undefined) return [];
    if (from === undefined) return [id];
    const [a, b] = from <= to ? [from, to] : [to, from];
    return rows.slice(a, b + 1).map((r) => r.id);
  }, [rowOrder, anchorId, rows]);

  const onCheck = useCallback((row: ReplicationRow, event: MouseEvent) => {
    focus(row.id);
    if (event.shiftKey && anchorId !== null) setSelection(new Set([...selected, ...rangeTo(row.id)]));
    else toggleSelected(row.id);
  }, [focus, anchorId, selected, rangeTo, setSelection, toggleSelected]);

  const onRowClick = useCallback((row: ReplicationRow, event: MouseEvent) => {
    focus(row.id);
    if (event.shiftKey) setSelection(rangeTo(row.id));
    else if (event.ctrlKey || event.metaKey) toggleSelected(row.id);
    else openDrawer(row.id);
  }, [focus, rangeTo, setSelection, toggleSelected, openDrawer]);

  const onSelectGroup = useCallback((key: string) => {
    const at = positions.get(key);
    if (at === undefined) return;
    const group = items[at];
    if (!group || group.type !== 'group') return;
    // The group's rows follow its header when open; a collapsed group is selected through the rows list.
    const ids = rows.filter((r) => inGroup(r, key)).map((r) => r.id);
    const all = ids.every((id) => selected.has(id));
    const next = new Set(selected);
    for (const id of ids) { if (all) next.delete(id); else next.add(id); }
    setSelection(next);
  }, [positions, items, rows, selected, setSelection]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target instanceof HTMLElement && event.target.closest('.repl-header')) return;
    const at = tabStop !== null ? positions.get(tabStop) ?? 0 : 0;
    const item = items[at];
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / rowPx) - 2);
    const to = (i: number) => items[Math.max(0, Math.min(items.length - 1, i))];
    let next: GridItem | undefined;
    switch (event.key) {
      case 'ArrowDown': next = to(at + 1); break;
      case 'ArrowUp': next = to(at - 1); break;
      case 'PageDown': next = to(at + page); break;
      case 'PageUp': next = to(at - page); break;
      case 'Home': next = to(0); break;
      case 'End': next = to(items.length - 1); break;
      case ' ':
        if (!item) return;
        event.preventDefault();
        if (item.type === 'group') toggleGroup(item.key);
        else if (event.shiftKey) setSelection(new Set([...selected, ...rangeTo(item.key)]));
        else toggleSelected(item.key);
        return;
      case 'Enter':
        if (!item) return;
        event.preventDefault();
        if (item.type === 'group') toggleGroup(item.key);
        else openDrawer(item.key);
        return;
      case 'Escape':
        if (selected.size > 0) { event.preventDefault(); setSelection([], null); }
        return;
      case 'a':
      case 'A':
        if (!(event.ctrlKey || event.metaKey)) return;
        event.preventDefault();
        setSelection(rows.map((r) => r.id));
        return;
      default:
        return;
    }
    if (!next) return;
    event.preventDefault();
    moveFocus(next.key);
    if (event.shiftKey && next.type === 'row') {
      if (anchorId === null && item?.type === 'row') setSelection([item.key, next.key], item.key);
      else setSelection(rangeTo(next.key));
    }
  };

  const virtualItems = virtualizer.getVirtualItems();
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  return (
    <div
      ref={scrollRef}
      className="repl-grid"
      role="grid"
      aria-label="Protected VMs and their replication"
      aria-rowcount={items.length + 1}
      aria-multiselectable="true"
      data-testid="replication-grid"
      onKeyDown={onKeyDown}
    >
      <div className="repl-header" role="row" aria-rowindex={1}>
        <span role="columnheader" className="rc rc-check">
          <input
            type="checkbox"
            checked={allSelected}
            ref={(el) => { if (el) el.indeterminate = !allSelected && selected.size > 0; }}
            onChange={() => setSelection(allSelected ? [] : rows.map((r) => r.id), null)}
            aria-label={allSelected ? 'Clear the selection' : `Select all ${rows.length} shown`}
            title={allSelected ? 'Clear the selection' : `Select all ${rows.length} VMs shown (Ctrl+A)`}
          />
        </span>
        {COLUMNS.map((c) => {
          const active = sort.key === c.key;
          return (
            <span key={c.key} role="columnheader" className={`rc rc-${c.key === 'replicaHost' ? 'host' : c.key === 'lastReplication' ? 'last' : c.key === 'frequency' ? 'freq' : c.key === 'extended' ? 'ext' : c.key}`} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
              <button type="button" className="sort-button" onClick={() => sortBy(c.key as SortKey)} data-testid={`sort-${c.key}`}>
                {c.label}
                <span className="sort-mark" aria-hidden="true">{active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}</span>
              </button>
            </span>
          );
        })}
      </div>
      <div className="repl-body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualItems.map((v) => {
          const item = items[v.index];
          if (!item) return null;
          const top = v.start - virtualizer.options.scrollMargin;
          if (item.type === 'group') {
            return <GroupRow key={item.key} item={item} index={v.index} focused={item.key === tabStop} selectedCount={countSelectedIn(item.key, rows, selected)} top={top} height={rowPx} onToggle={toggleGroup} onSelectGroup={onSelectGroup} />;
          }
          return (
            <GridRow
              key={item.key}
              row={item.row}
              index={v.index}
              selected={selected.has(item.key)}
              focused={item.key === tabStop}
              open={item.key === drawerId}
              now={now}
              top={top}
              height={rowPx}
              onRowClick={onRowClick}
              onCheck={onCheck}
            />
          );
        })}
      </div>
      {items.length === 0 ? <p className="repl-empty" data-testid="replication-empty">No protected VM matches this filter.</p> : null}
    </div>
  );
}

/** Group keys are "group:<clusterId>" or "group:<hostId>"; cluster and host ids never collide. */
function inGroup(row: ReplicationRow, groupKey: string): boolean {
  return groupKey === `group:${row.clusterId}` || groupKey === `group:${row.hostId}`;
}

function countSelectedIn(groupKey: string, rows: ReplicationRow[], selected: ReadonlySet<string>): number {
  if (selected.size === 0) return 0;
  let n = 0;
  for (const r of rows) if (selected.has(r.id) && inGroup(r, groupKey)) n++;
  return n;
}
