/** The generic WebSocket client: several named clients side by side against any project's API. */
import type { PagesConfigJson } from '../server.ts';
import { ClientPanel } from './client-panel.ts';
import { MessageStore } from './message-store.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const panels: ClientPanel[] = [];

async function main(): Promise<void> {
  let config: PagesConfigJson;
  try {
    const response = await fetch('/config.json');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    config = (await response.json()) as PagesConfigJson;
  } catch (error) {
    $('page-status').textContent = `Could not reach the emulator (${error instanceof Error ? error.message : String(error)}); reload to try again.`;
    return;
  }
  document.title = `${config.service} · wsgate client`;
  $('service').textContent = config.service;
  $('ws-url').textContent = config.wsUrl;
  $('selection').textContent = config.routeSelectionExpression;
  $('route-list').textContent = config.routes.map((r) => r.routeKey).join(', ');
  if (config.appPage) $('app-link').hidden = false;
  const store = new MessageStore(config.service);

  const add = (name: string) => {
    if (panels.some((p) => p.name === name)) {
      $('page-status').textContent = `There is a client named ${name} already`;
      return;
    }
    $('page-status').textContent = '';
    const panel = new ClientPanel({
      name,
      wsOrigin: new URL(config.wsUrl).origin,
      stage: config.stage,
      routeKeys: config.routes.map((r) => r.routeKey),
      routeSelectionExpression: config.routeSelectionExpression,
      store,
      onRemove: (removed) => panels.splice(panels.indexOf(removed), 1),
    });
    panels.push(panel);
    $('clients').append(panel.element);
  };

  $<HTMLFormElement>('add-client').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $<HTMLInputElement>('client-name');
    const name = input.value.trim() || nextName();
    add(name);
    input.value = '';
  });
  add(nextName());
}

function nextName(): string {
  for (let n = 1; ; n++) if (!panels.some((p) => p.name === `client ${n}`)) return `client ${n}`;
}

void main();
