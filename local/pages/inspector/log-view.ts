import { el, timeElement } from '../dom.ts';
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
}

/** The event log, newest first; an expanded row is followed by a row with everything its entry holds. */
export function renderLog(body: HTMLElement, entries: FeedEntry[], filter: LogFilter, expanded: Set<number>, actions: LogActions): void {
  const route = filter.route.toLowerCase();
  const rows: HTMLElement[] = [];
  for (const entry of [...entries].reverse()) {
    if (filter.connection && !entry.connectionId.includes(filter.connection)) continue;
    const [event, routeKey, status, duration, text] = describe(entry);
    if (route && !routeKey.toLowerCase().includes(route)) continue;
    const open = expanded.has(entry.seq);
    const toggle = el(
      'button',
      { type: 'button', className: 'toggle secondary', 'aria-expanded': String(open), 'aria-label': `Details of ${event} ${routeKey} at ${entry.time}`.replace(/\s+/g, ' ') },
      open ? '▾' : '▸',
    );
    const flip = () => {
      if (expanded.has(entry.seq)) expanded.delete(entry.seq);
      else expanded.add(entry.seq);
      renderLog(body, entries, filter, expanded, actions);
    };
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
    rows.push(row);
    if (open) rows.push(el('tr', { className: 'detail-row' }, el('td', { colspan: 8 }, entryDetails(entry, actions))));
  }
  body.replaceChildren(...rows);
}
