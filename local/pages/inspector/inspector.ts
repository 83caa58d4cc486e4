/** The inspector: live connections and every event, pushed by the emulator over server-sent events. */
import type { FeedEntry, FeedMessage, InspectedConnection } from '../inspector-feed.ts';
import { renderConnections, tickAges } from './connections-view.ts';
import { type LogActions, renderLog } from './log-view.ts';
import { renderSchedules, type ScheduleRule } from './schedules-view.ts';

const MAX_ENTRIES = 500; // the server keeps as many; the page never grows past them
const EXPORT_FORMAT = 'wsgate-inspector/1';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const entries: FeedEntry[] = [];
/** Entries that arrived while paused (or while an import is shown): shown on resume. */
const held: FeedEntry[] = [];
const expanded = new Set<number>();
let paused = false;
let imported: { exportedAt: string; entries: FeedEntry[] } | undefined;
let connections: InspectedConnection[] = [];
let schedules: ScheduleRule[] = [];

const filter = () => ({ connection: $<HTMLInputElement>('filter-connection').value.trim(), route: $<HTMLInputElement>('filter-route').value.trim() });
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const bounded = (list: FeedEntry[]) => list.splice(0, Math.max(0, list.length - MAX_ENTRIES));

function filterBy(connectionId: string): void {
  $<HTMLInputElement>('filter-connection').value = connectionId;
  render();
}

function render(): void {
  renderLog($('log'), imported ? imported.entries : entries, filter(), expanded, logActions);
  const pauseButton = $<HTMLButtonElement>('pause');
  pauseButton.setAttribute('aria-pressed', String(paused));
  pauseButton.textContent = paused ? `Resume${held.length ? ` (${held.length} new)` : ''}` : 'Pause';
  $('view-status').textContent = imported
    ? `Showing an import: ${plural(imported.entries.length, 'event')} exported at ${imported.exportedAt}. Resume goes back to the live log.`
    : paused
      ? `Paused: ${plural(held.length, 'new event')} held back.`
      : '';
}

/** Under a burst of events the log is redrawn once per burst, not once per event. */
let renderPending: ReturnType<typeof setTimeout> | undefined;
function scheduleRender(): void {
  renderPending ??= setTimeout(() => {
    renderPending = undefined;
    render();
  }, 50);
}

function add(entry: FeedEntry): void {
  const into = paused ? held : entries;
  into.push(entry);
  bounded(into);
}

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

const fire = (functionKey: string) => void report(fetch(`/inspector/schedules/${encodeURIComponent(functionKey)}/fire`, { method: 'POST' }), `Fired ${functionKey}`);

const actions = {
  filterBy,
  disconnect: (id: string) => void report(fetch(`/inspector/connections/${encodeURIComponent(id)}/disconnect`, { method: 'POST' }), `Disconnected ${id}`),
};
const logActions: LogActions = {
  filterBy,
  fire,
  scheduledFunction: (ruleName) => schedules.find((rule) => rule.name === ruleName)?.functionKey,
  toggle(seq) {
    if (!expanded.delete(seq)) expanded.add(seq);
    render();
  },
};

/** The project's schedules, fired on demand; the section stays hidden for a project without any. */
async function loadSchedules(): Promise<void> {
  const response = await fetch('/inspector/schedules');
  schedules = response.ok ? ((await response.json()) as ScheduleRule[]) : [];
  $('schedules-section').hidden = schedules.length === 0;
  renderSchedules($('schedules'), schedules, fire);
  render();
}

function showConnections(list: InspectedConnection[]): void {
  connections = list;
  renderConnections($('connections'), connections, actions);
  // Only when the ids change: options rebuilt under an open list would close it or change the choice.
  const select = $<HTMLSelectElement>('post-to');
  const ids = connections.map((c) => c.connectionId);
  if (ids.join() === [...select.options].map((option) => option.value).join()) return;
  const chosen = select.value;
  select.replaceChildren(...ids.map((id) => new Option(id, id)));
  if (ids.includes(chosen)) select.value = chosen;
}

const events = new EventSource('/inspector/events');
events.addEventListener('open', () => ($('feed-status').textContent = 'Live'));
events.addEventListener('error', () => ($('feed-status').textContent = 'Emulator unreachable; retrying…'));
events.addEventListener('message', (message) => {
  const data = JSON.parse(message.data) as FeedMessage;
  if (data.type === 'snapshot') {
    entries.length = 0;
    held.length = 0;
    for (const entry of data.entries) add(entry);
  }
  if (data.type === 'entry') add(data.entry);
  if (data.type !== 'entry') showConnections(data.connections);
  scheduleRender();
});
setInterval(() => tickAges($('connections')), 1000);
void loadSchedules();

$('filter-connection').addEventListener('input', render);
$('filter-route').addEventListener('input', render);
$('pause').addEventListener('click', () => {
  if (paused || imported) {
    imported = undefined;
    paused = false;
    entries.push(...held.splice(0));
    bounded(entries);
  } else paused = true;
  render();
});
$('clear').addEventListener('click', () => {
  entries.length = 0;
  held.length = 0;
  imported = undefined;
  expanded.clear();
  render();
  void report(fetch('/inspector/clear', { method: 'POST' }), 'Cleared the log');
});
$('export').addEventListener('click', () => {
  const shown = imported ? imported.entries : [...entries, ...held];
  const exported = { format: EXPORT_FORMAT, exportedAt: new Date().toISOString(), page: location.href, entries: shown, connections };
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([JSON.stringify(exported, null, 2)], { type: 'application/json' }));
  link.download = `wsgate-inspector-${exported.exportedAt.replace(/[:.]/g, '-')}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  $('action-result').textContent = `Exported ${plural(shown.length, 'event')}`;
});
$<HTMLInputElement>('import').addEventListener('change', async (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  try {
    const data = JSON.parse(await file.text()) as { format?: string; exportedAt?: string; entries?: FeedEntry[] };
    if (data.format !== EXPORT_FORMAT || !Array.isArray(data.entries)) throw new Error(`not an export of this inspector (format ${EXPORT_FORMAT})`);
    // Live events keep coming while the import is shown: they are held, as when paused.
    paused = true;
    imported = { exportedAt: data.exportedAt ?? 'an unknown time', entries: data.entries.slice(-MAX_ENTRIES) };
    expanded.clear();
    $('action-result').textContent = `Imported ${plural(imported.entries.length, 'event')} from ${file.name}`;
  } catch (error) {
    $('action-result').textContent = `Cannot import ${file.name}: ${error instanceof Error ? error.message : String(error)}`;
  }
  render();
});
$<HTMLFormElement>('post-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = $<HTMLSelectElement>('post-to').value;
  const data = $<HTMLInputElement>('post-data').value;
  if (!id || !data) return;
  await report(fetch(`/inspector/connections/${encodeURIComponent(id)}/messages`, { method: 'POST', body: data, headers: { 'content-type': 'text/plain' } }), `Posted to ${id}`);
});
