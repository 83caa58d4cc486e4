import { el, timeElement } from '../dom.ts';
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

export function renderConnections(body: HTMLElement, connections: InspectedConnection[], actions: ConnectionActions): void {
  body.replaceChildren(
    ...connections.map((c) =>
      el(
        'tr',
        {},
        cell('Connection', idButton(c.connectionId, actions)),
        el('td', { 'data-label': 'Age', className: 'age', 'data-since': c.connectedAt, title: `connected at ${c.connectedAt}` }, age(c.connectedAt)),
        cell('Last active', timeElement(c.lastActiveAt)),
        cell('Query', c.query ? json(c.query) : '—'),
        cell('Identity', json(c.identity ?? { sourceIp: c.sourceIp, userAgent: c.userAgent })),
        cell('Frames in/out', `${c.framesIn} / ${c.framesOut}`),
        cell('Authorizer', c.authorizer ? json(c.authorizer) : '—'),
        cell('Actions', el('button', { type: 'button', 'aria-label': `Disconnect ${c.connectionId}`, onclick: () => actions.disconnect(c.connectionId) }, 'Disconnect')),
      ),
    ),
  );
  if (connections.length === 0) body.append(el('tr', { className: 'empty' }, el('td', { colspan: 8, className: 'muted' }, 'No open connection.')));
}

/** Ages move on their own: updated every second without redrawing the table. */
export function tickAges(body: HTMLElement): void {
  for (const td of body.querySelectorAll<HTMLElement>('td.age')) td.textContent = age(td.dataset.since!);
}
