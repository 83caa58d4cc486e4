import { el, keepInPlace, timeElement } from '../dom.ts';
import type { InspectedConnection } from '../inspector-feed.ts';

export interface ConnectionActions {
  filterBy(connectionId: string): void;
  disconnect(connectionId: string): void;
}

/** `42 s`, `3 min 5 s`, `1 h 2 min`. */
export function age(fromIso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

const cell = (label: string, ...children: (Node | string)[]) => el('td', { 'data-label': label }, ...children);

/** A button that filters the log by a connection id: the id is the text, so it reads (and copies) as the id. */
export function idButton(connectionId: string, actions: Pick<ConnectionActions, 'filterBy'>): HTMLButtonElement {
  return el('button', { type: 'button', className: 'link id', title: `Show only ${connectionId}'s events`, onclick: () => actions.filterBy(connectionId) }, connectionId);
}

const json = (value: unknown) => el('code', {}, JSON.stringify(value));

interface ConnectionRow {
  row: HTMLTableRowElement;
  update(connection: InspectedConnection): void;
}

/** Each table body's rows by connection id: an update changes their cells' text, never their buttons. */
const rowsOf = new WeakMap<HTMLElement, Map<string, ConnectionRow>>();

/**
 * One row per open connection. A row stays the same element while its connection is open, and its buttons stay too:
 * the table is redrawn after every event, and a button rebuilt between press and release loses the click.
 */
export function renderConnections(body: HTMLElement, connections: InspectedConnection[], actions: ConnectionActions): void {
  const known = rowsOf.get(body) ?? new Map<string, ConnectionRow>();
  rowsOf.set(body, known);
  const open = new Set(connections.map((c) => c.connectionId));
  for (const id of known.keys()) if (!open.has(id)) known.delete(id);
  const rows = connections.map((c) => {
    let row = known.get(c.connectionId);
    if (row === undefined) known.set(c.connectionId, (row = connectionRow(c, actions)));
    row.update(c);
    return row.row;
  });
  keepInPlace(body, rows.length > 0 ? rows : [el('tr', { className: 'empty' }, el('td', { colspan: 8, className: 'muted' }, 'No open connection.'))]);
}

function connectionRow(c: InspectedConnection, actions: ConnectionActions): ConnectionRow {
  const changing = { lastActive: cell('Last active'), query: cell('Query'), identity: cell('Identity'), frames: cell('Frames in/out'), authorizer: cell('Authorizer') };
  const row = el(
    'tr',
    {},
    cell('Connection', idButton(c.connectionId, actions)),
    el('td', { 'data-label': 'Age', className: 'age', 'data-since': c.connectedAt, title: `connected at ${c.connectedAt}` }, age(c.connectedAt)),
    ...Object.values(changing),
    cell('Actions', el('button', { type: 'button', 'aria-label': `Disconnect ${c.connectionId}`, onclick: () => actions.disconnect(c.connectionId) }, 'Disconnect')),
  );
  let shown = '';
  const update = (now: InspectedConnection) => {
    const identity = now.identity ?? { sourceIp: now.sourceIp, userAgent: now.userAgent };
    const facts = JSON.stringify([now.lastActiveAt, now.query, identity, now.framesIn, now.framesOut, now.authorizer]);
    if (facts === shown) return;
    shown = facts;
    changing.lastActive.replaceChildren(timeElement(now.lastActiveAt));
    changing.query.replaceChildren(now.query ? json(now.query) : '—');
    changing.identity.replaceChildren(json(identity));
    changing.frames.replaceChildren(`${now.framesIn} / ${now.framesOut}`);
    changing.authorizer.replaceChildren(now.authorizer ? json(now.authorizer) : '—');
  };
  return { row, update };
}

/** Ages move on their own: updated every second without redrawing the table. */
export function tickAges(body: HTMLElement): void {
  for (const td of body.querySelectorAll<HTMLElement>('td.age')) td.textContent = age(td.dataset.since!);
}
