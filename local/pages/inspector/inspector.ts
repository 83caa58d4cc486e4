/** The inspector: live connections and event log pushed by the emulator over server-sent events. */
import type { ConnectionInfo } from '../../gateway/connection-registry.ts';
import type { FeedEntry } from '../inspector-feed.ts';

type Connection = ConnectionInfo;
type Entry = FeedEntry;

const MAX_ROWS = 500; // the server keeps as many; the page never grows past them
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const entries: Entry[] = [];

function cell(text: string, className?: string, title?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  if (title) td.title = title;
  return td;
}

/** HH:MM:SS.mmm (UTC) in the cell; the full ISO time on hover. */
const timeCell = (iso: string) => cell(iso.slice(11, 23), undefined, iso);

/** Says how an action went, in the page's status line for actions. */
async function report(action: Promise<Response>, done: string): Promise<void> {
  try {
    const response = await action;
    const gone = response.status === 410 ? ' (the connection is gone)' : '';
    $('action-result').textContent = response.ok ? done : `Failed: HTTP ${response.status}${gone}`;
  } catch (error) {
    $('action-result').textContent = `Failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function renderConnections(connections: Connection[]): void {
  $('connections').replaceChildren(
    ...connections.map((c) => {
      const row = document.createElement('tr');
      const disconnect = document.createElement('button');
      disconnect.type = 'button';
      disconnect.textContent = 'Disconnect';
      disconnect.setAttribute('aria-label', `Disconnect ${c.connectionId}`);
      disconnect.addEventListener('click', () =>
        void report(fetch(`/inspector/connections/${encodeURIComponent(c.connectionId)}/disconnect`, { method: 'POST' }), `Disconnected ${c.connectionId}`),
      );
      const actions = document.createElement('td');
      actions.append(disconnect);
      row.append(
        cell(c.connectionId, 'id'),
        timeCell(c.connectedAt),
        timeCell(c.lastActiveAt),
        cell(c.sourceIp),
        cell(c.userAgent),
        cell(String(c.framesIn)),
        cell(String(c.framesOut)),
        cell(c.authorizer ? JSON.stringify(c.authorizer) : '—'),
        actions,
      );
      return row;
    }),
  );
  const select = $<HTMLSelectElement>('post-to');
  const chosen = select.value;
  select.replaceChildren(...connections.map((c) => new Option(c.connectionId, c.connectionId)));
  if (connections.some((c) => c.connectionId === chosen)) select.value = chosen;
}

function describe(entry: Entry): [event: string, route: string, status: string, duration: string, body: string] {
  switch (entry.kind) {
    case 'invocation':
      return [entry.eventType ?? '', entry.routeKey ?? '', String(entry.status), `${entry.durationMs?.toFixed(1)} ms`, [entry.error, entry.bodyPreview].filter(Boolean).join(' — ')];
    case 'management':
      return ['@connections', `${entry.method} @connections`, String(entry.status), '', ''];
    case 'connection':
      return ['OPEN', '', '', '', ''];
    case 'disconnect':
      return ['CLOSE', '', String(entry.statusCode), '', entry.reason ?? ''];
  }
}

function renderLog(): void {
  const byConnection = $<HTMLInputElement>('filter-connection').value.trim();
  const byRoute = $<HTMLInputElement>('filter-route').value.trim().toLowerCase();
  const rows = entries
    .filter((e) => !byConnection || e.connectionId.includes(byConnection))
    .filter((e) => !byRoute || describe(e)[1].toLowerCase().includes(byRoute))
    .slice(-MAX_ROWS)
    .reverse()
    .map((entry) => {
      const [event, route, status, duration, body] = describe(entry);
      const row = document.createElement('tr');
      row.append(timeCell(entry.time), cell(entry.connectionId, 'id'), cell(event), cell(route), cell(status), cell(duration), cell(body, 'preview'));
      return row;
    });
  $('log').replaceChildren(...rows);
}

/** Under a burst of events the log is redrawn once per burst, not once per event. */
let renderPending: ReturnType<typeof setTimeout> | undefined;
function scheduleLogRender(): void {
  renderPending ??= setTimeout(() => {
    renderPending = undefined;
    renderLog();
  }, 50);
}

function add(entry: Entry): void {
  entries.push(entry);
  if (entries.length > MAX_ROWS) entries.splice(0, entries.length - MAX_ROWS);
}

const events = new EventSource('/inspector/events');
events.addEventListener('open', () => ($('feed-status').textContent = 'Live'));
events.addEventListener('error', () => ($('feed-status').textContent = 'Emulator unreachable; retrying…'));
events.addEventListener('message', (message) => {
  const data = JSON.parse(message.data) as { type: string; entries?: Entry[]; entry?: Entry; connections?: Connection[] };
  if (data.type === 'snapshot') {
    entries.length = 0;
    for (const entry of data.entries ?? []) add(entry);
  }
  if (data.entry) add(data.entry);
  if (data.connections) renderConnections(data.connections);
  scheduleLogRender();
});

$('filter-connection').addEventListener('input', renderLog);
$('filter-route').addEventListener('input', renderLog);
$<HTMLFormElement>('post-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = $<HTMLSelectElement>('post-to').value;
  const data = $<HTMLInputElement>('post-data').value;
  if (!id || !data) return;
  await report(fetch(`/inspector/connections/${encodeURIComponent(id)}/messages`, { method: 'POST', body: data, headers: { 'content-type': 'text/plain' } }), `Posted to ${id}`);
});
