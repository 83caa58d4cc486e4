/** The DynamoDB browser: the tables in use, their keys and counts, items paged, a key-condition query, kept live. */
import { el } from '../dom.ts';
import type { ItemsPage, TableSummary } from '../tables-api.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let tables: TableSummary[] = [];
let chosen: TableSummary | undefined;
/** What the items view shows: a scan or a query, and the page it is on (the start key of each page so far). */
let view: { mode: 'scan' | 'query'; params: URLSearchParams; starts: string[] } = { mode: 'scan', params: new URLSearchParams(), starts: [''] };
let next: string | undefined;

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
  return body;
}

const keyText = (keys: TableSummary['keySchema']) => keys.map((k) => `${k.name} (${k.keyType === 'HASH' ? 'partition' : 'sort'}, ${k.attributeType})`).join(' · ');

let tablesRequest = 0;

async function loadTables(): Promise<void> {
  const request = ++tablesRequest;
  try {
    const data = await getJson<{ endpoint: string; missing: string[]; tables: TableSummary[] }>('/tables/api');
    if (request !== tablesRequest) return;
    $('endpoint').textContent = data.endpoint;
    tables = data.tables;
    $('tables-status').textContent = data.missing.length ? `Declared but not found: ${data.missing.join(', ')}` : '';
  } catch (error) {
    if (request !== tablesRequest) return;
    $('tables-status').textContent = `Cannot list the tables: ${error instanceof Error ? error.message : String(error)}`;
    return;
  }
  $('tables').replaceChildren(
    ...tables.map((t) =>
      el(
        'li',
        { className: t.name === chosen?.name ? 'chosen' : '' },
        el('button', { type: 'button', className: 'link', 'aria-current': t.name === chosen?.name ? 'true' : false, onclick: () => choose(t.name) }, t.name),
        el('span', { className: 'muted count' }, ` ${t.itemCount}${t.capped ? '+' : ''} item${t.itemCount === 1 ? '' : 's'}${t.declared ? '' : ' · not in this project'}`),
        el('div', { className: 'keys' }, keyText(t.keySchema)),
        ...t.indexes.map((i) => el('div', { className: 'keys muted' }, `${i.kind} ${i.name}: ${keyText(i.keySchema)}`)),
      ),
    ),
  );
  if (tables.length === 0) $('tables').append(el('li', { className: 'muted' }, 'No table on this endpoint.'));
  if (chosen) chosen = tables.find((t) => t.name === chosen!.name);
  else if (tables[0]) choose(tables[0].name);
}

function choose(name: string): void {
  chosen = tables.find((t) => t.name === name);
  if (!chosen) return;
  for (const item of $('tables').querySelectorAll('li')) item.classList.toggle('chosen', item.querySelector('button')?.textContent === name);
  $('items-title').textContent = `Items of ${name}`;
  $<HTMLSelectElement>('index').replaceChildren(new Option('(table)', ''), ...chosen.indexes.map((i) => new Option(`${i.kind} ${i.name}`, i.name)));
  labelKeys();
  view = { mode: 'scan', params: new URLSearchParams(), starts: [''] };
  void showItems();
}

function labelKeys(): void {
  const index = chosen?.indexes.find((i) => i.name === $<HTMLSelectElement>('index').value);
  const keys = (index ?? chosen)?.keySchema ?? [];
  const hash = keys.find((k) => k.keyType === 'HASH');
  const range = keys.find((k) => k.keyType === 'RANGE');
  $('pk-label').textContent = hash ? `${hash.name} (partition key)` : 'Partition key';
  $('sk-label').textContent = range ? `${range.name} (sort key)` : 'No sort key';
  $<HTMLInputElement>('sk').disabled = !range;
  $<HTMLSelectElement>('op').disabled = !range;
}

/** Each request for items is numbered: only the latest one's answer is shown (a slow scan must not cover a query). */
let itemsRequest = 0;

async function showItems(): Promise<void> {
  if (!chosen) return;
  const request = ++itemsRequest;
  const params = new URLSearchParams(view.params);
  const start = view.starts.at(-1)!;
  if (start) params.set('start', start);
  const url = `/tables/api/${encodeURIComponent(chosen.name)}/${view.mode === 'scan' ? 'items' : 'query'}?${params}`;
  let page: ItemsPage;
  try {
    page = await getJson<ItemsPage>(url);
  } catch (error) {
    if (request !== itemsRequest) return;
    $('view-status').textContent = `${view.mode === 'scan' ? 'Scan' : 'Query'} failed: ${error instanceof Error ? error.message : String(error)}`;
    return;
  }
  if (request !== itemsRequest) return;
  next = page.next;
  renderItems(page.items as Record<string, unknown>[]);
  const what = view.mode === 'scan' ? 'Scan' : 'Query';
  const time = new Date().toLocaleTimeString([], { hourCycle: 'h23' });
  $('view-status').textContent = `${what}, page ${view.starts.length}: ${page.items.length} item${page.items.length === 1 ? '' : 's'}${page.next ? ', more on the next page' : ''} · at ${time}`;
  $<HTMLButtonElement>('next-page').disabled = !page.next;
  $<HTMLButtonElement>('first-page').disabled = view.starts.length === 1;
}

function renderItems(items: Record<string, unknown>[]): void {
  const keys = (chosen?.keySchema ?? []).map((k) => k.name);
  const columns = [...keys, ...[...new Set(items.flatMap((item) => Object.keys(item)))].filter((c) => !keys.includes(c)).sort()];
  $('items-head').replaceChildren(el('tr', {}, ...columns.map((c) => el('th', {}, c))));
  const show = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));
  $('items').replaceChildren(...items.map((item) => el('tr', {}, ...columns.map((c) => el('td', { 'data-label': c, className: keys.includes(c) ? 'key' : '' }, show(item[c]))))));
  if (items.length === 0) $('items').append(el('tr', { className: 'empty' }, el('td', { colspan: Math.max(columns.length, 1), className: 'muted' }, 'No items.')));
}

$<HTMLFormElement>('query-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const params = new URLSearchParams({ pk: $<HTMLInputElement>('pk').value });
  for (const id of ['index', 'op', 'sk', 'sk2']) {
    const value = $<HTMLInputElement>(id).value;
    if (value) params.set(id, value);
  }
  view = { mode: 'query', params, starts: [''] };
  void showItems();
});
$('scan').addEventListener('click', () => {
  view = { mode: 'scan', params: new URLSearchParams($<HTMLSelectElement>('index').value ? { index: $<HTMLSelectElement>('index').value } : {}), starts: [''] };
  void showItems();
});
$('index').addEventListener('change', labelKeys);
$('op').addEventListener('change', () => ($('sk2-field').hidden = $<HTMLSelectElement>('op').value !== 'between'));
$('next-page').addEventListener('click', () => {
  if (!next) return;
  view.starts.push(next);
  void showItems();
});
$('first-page').addEventListener('click', () => {
  view.starts = [''];
  void showItems();
});

// Handlers write to the tables behind the emulator's back: after each run (they are what writes), look again.
let refresh: ReturnType<typeof setTimeout> | undefined;
const feed = new EventSource('/inspector/events');
feed.addEventListener('message', (message) => {
  const data = JSON.parse(message.data) as { type: string; entry?: { kind: string } };
  if (data.type !== 'entry' || data.entry?.kind !== 'invocation' || !$<HTMLInputElement>('live').checked) return;
  refresh ??= setTimeout(() => {
    refresh = undefined;
    void loadTables().then(showItems);
  }, 250);
});

void loadTables();
