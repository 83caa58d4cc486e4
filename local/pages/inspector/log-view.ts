import { el, keepInPlace, timeElement } from '../dom.ts';
import type { FeedEntry } from '../inspector-feed.ts';
import { idButton } from './connections-view.ts';
import { describe, entryDetails, type EntryActions } from './entry-details.ts';
import { TRIGGER_KINDS } from './schedules-view.ts';

export interface LogFilter {
  connection: string;
  route: string;
}

const LABELS = ['Time', 'Connection', 'Event', 'Route', 'Status', 'Duration', 'Body'];

export interface LogActions extends EntryActions {
  filterBy(connectionId: string): void;
  /** Opens or closes an entry's details (by its seq), and redraws. */
  toggle(seq: number): void;
}

/** The rows drawn for an entry, kept while its open state stays: a redraw leaves them in place. */
const drawn = new WeakMap<FeedEntry, { open: boolean; rows: HTMLElement[] }>();

/**
 * The event log, newest first; an expanded row is followed by a row with everything its entry holds.
 * Rows already on the page stay the same elements in place: rebuilding them under the pointer would lose a click
 * whose press and release land on different elements (a row redrawn by the next event, while someone clicks it).
 */
export function renderLog(body: HTMLElement, entries: FeedEntry[], filter: LogFilter, expanded: ReadonlySet<number>, actions: LogActions): void {
  const route = filter.route.toLowerCase();
  const rows: HTMLElement[] = [];
  for (const entry of [...entries].reverse()) {
    if (filter.connection && !entry.connectionId.includes(filter.connection)) continue;
    if (route && !describe(entry)[1].toLowerCase().includes(route)) continue;
    const open = expanded.has(entry.seq);
    let drawing = drawn.get(entry);
    if (drawing?.open !== open) {
      drawing = { open, rows: entryRows(entry, open, actions) };
      drawn.set(entry, drawing);
    }
    rows.push(...drawing.rows);
  }
  keepInPlace(body, rows);
}

function entryRows(entry: FeedEntry, open: boolean, actions: LogActions): HTMLElement[] {
  const [event, routeKey, status, duration, text] = describe(entry);
  const toggle = el(
    'button',
    { type: 'button', className: 'toggle secondary', 'aria-expanded': String(open), 'aria-label': `Details of ${event} ${routeKey} at ${entry.time}`.replace(/\s+/g, ' ') },
    open ? '▾' : '▸',
  );
  const flip = () => actions.toggle(entry.seq);
  toggle.addEventListener('click', (e) => (e.stopPropagation(), flip()));
  // HTTP routes, invokes, schedules and streams run functions for no connection: their kind says what ran them.
  const trigger = entry.kind === 'invocation' ? TRIGGER_KINDS[entry.eventType] : undefined;
  const connection = entry.connectionId ? idButton(entry.connectionId, actions) : el('span', { className: 'muted', title: 'No connection: a trigger ran it' }, '—');
  const kind = trigger ? el('span', { className: 'trigger', title: trigger }, event) : event;
  const values: (Node | string)[] = [timeElement(entry.time), connection, kind, routeKey, status, duration, text];
  const row = el(
    'tr',
    { className: `entry kind-${entry.kind}${trigger ? ' kind-trigger' : ''}${open ? ' open' : ''}`, 'data-seq': entry.seq },
    el('td', { className: 'toggle-cell' }, toggle),
    ...values.map((value, i) => el('td', { 'data-label': LABELS[i]!, className: i === 6 ? 'preview' : i === 1 ? 'id' : '' }, value)),
  );
  // A click anywhere on the row but its buttons opens it, as people expect of a log.
  row.addEventListener('click', (e) => {
    if (!(e.target as HTMLElement).closest('button') && !getSelection()?.toString()) flip();
  });
  return open ? [row, el('tr', { className: 'detail-row' }, el('td', { colspan: 8 }, entryDetails(entry, actions)))] : [row];
}
