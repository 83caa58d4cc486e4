/** Our chat app's page: one WebSocket to the API, speaking the chat protocol of README.md. */
export {}; // a module, not a global script
type Frame = Record<string, any>;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusLine = $<HTMLParagraphElement>('status');
const feed = $<HTMLOListElement>('feed');
const roomsList = $<HTMLUListElement>('rooms');
const targetRoom = $<HTMLSelectElement>('target-room');
const liveControls = ['message', 'send', 'join-room', 'join', 'raw', 'send-raw', 'disconnect'].map((id) => $<HTMLInputElement>(id));

let socket: WebSocket | undefined;
let myId = '';
let closedByUser = false;
const rooms = new Set<string>();
/**
 * Per room, the members this page knows of (id -> name): itself, and whoever it saw join or speak. The protocol has
 * no "list members" action, so people already in a room show up once they speak or once they come and go.
 */
const members = new Map<string, Map<string, string>>();
let myName = '';
/** A big room's member count, as its coalesced presence frames last said. */
const counts = new Map<string, number>();
/** Rooms held when the last connection closed: a reconnect joins them again, as the user expects. */
let roomsToRejoin: string[] = [];
const MAX_LINES = 1_000; // a long session must not grow the page without bound

function setStatus(state: 'idle' | 'connecting' | 'open' | 'closed', text: string): void {
  statusLine.dataset.state = state;
  statusLine.textContent = text;
  for (const control of liveControls) control.disabled = state !== 'open';
  $<HTMLButtonElement>('connect').disabled = state === 'open' || state === 'connecting';
  $<HTMLButtonElement>('connect').textContent = state === 'closed' ? 'Reconnect' : 'Connect';
}

/** Adds a line to the feed; text only, never HTML, so nothing a user sends can run in the page. */
function addLine(kind: 'message' | 'presence' | 'error' | 'info', text: string, room?: string, sentAt?: string): void {
  const item = document.createElement('li');
  item.className = kind;
  if (kind === 'error') item.setAttribute('role', 'alert');
  // The server's sentAt, when the frame has one: the time the message was sent, not when this page got it.
  const at = sentAt !== undefined && !Number.isNaN(Date.parse(sentAt)) ? new Date(sentAt) : new Date();
  const time = document.createElement('time');
  time.dateTime = at.toISOString();
  time.title = at.toISOString();
  time.textContent = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  item.append(time, ' ');
  if (room) {
    const tag = document.createElement('span');
    tag.className = 'room';
    tag.textContent = `#${room}`;
    item.append(tag);
  }
  item.append(document.createTextNode(text));
  feed.append(item);
  while (feed.childElementCount > MAX_LINES) feed.firstElementChild!.remove();
  feed.scrollTop = feed.scrollHeight;
}

/** Who sent a frame: its name, else a short form of its connection id, never `undefined`. */
function senderOf(frame: Frame): string {
  if (typeof frame.name === 'string' && frame.name !== '') return frame.name;
  if (typeof frame.from === 'string' && frame.from !== '') return `guest ${frame.from.slice(0, 6)}`;
  if (typeof frame.connectionId === 'string' && frame.connectionId !== '') return `guest ${frame.connectionId.slice(0, 6)}`;
  return 'someone';
}

function seen(room: string, connectionId: string | undefined, name: string): void {
  if (!rooms.has(room) || !connectionId) return;
  let known = members.get(room);
  if (!known) members.set(room, (known = new Map()));
  known.set(connectionId, name);
}

/** Each joined room's item in the list: kept while the page is in the room, so its Leave button is never rebuilt. */
const roomItems = new Map<string, { item: HTMLLIElement; heading: Text; list: HTMLUListElement }>();

function roomItem(room: string): { item: HTMLLIElement; heading: Text; list: HTMLUListElement } {
  const item = document.createElement('li');
  const title = document.createElement('div');
  title.className = 'room-title';
  const heading = document.createTextNode('');
  const list = document.createElement('ul');
  list.className = 'members';
  list.setAttribute('aria-label', `Members of ${room}`);
  const leave = document.createElement('button');
  leave.type = 'button';
  leave.className = 'secondary';
  leave.textContent = 'Leave';
  leave.setAttribute('aria-label', `Leave ${room}`);
  leave.addEventListener('click', () => send({ action: 'leave', room }));
  title.append(heading, leave);
  item.append(title, list);
  return { item, heading, list };
}

/**
 * Redraws the rooms after every presence frame. The items and their buttons stay the same elements (only the text
 * changes): a button rebuilt between a press and a release, someone joining meanwhile, would lose the click.
 */
function renderRooms(): void {
  for (const room of members.keys()) if (!rooms.has(room)) members.delete(room);
  for (const room of counts.keys()) if (!rooms.has(room)) counts.delete(room);
  for (const room of roomItems.keys()) if (!rooms.has(room)) roomItems.delete(room);
  for (const room of rooms) seen(room, myId, myName);
  const sorted = [...rooms].sort();
  const items = sorted.map((room) => {
    let shown = roomItems.get(room);
    if (!shown) roomItems.set(room, (shown = roomItem(room)));
    shown.heading.data = `#${room}${counts.has(room) ? ` (${counts.get(room)} members)` : ''}`;
    shown.list.replaceChildren(
      ...[...(members.get(room) ?? new Map<string, string>())]
        .sort(([, a], [, b]) => a.localeCompare(b))
        .map(([id, name]) => {
          const member = document.createElement('li');
          member.textContent = id === myId ? `${name} (you)` : name;
          member.title = id;
          return member;
        }),
    );
    return shown.item;
  });
  for (const child of [...roomsList.children]) if (!items.includes(child as HTMLLIElement)) child.remove();
  items.forEach((item, i) => {
    if (roomsList.children[i] !== item) roomsList.insertBefore(item, roomsList.children[i] ?? null);
  });
  // Only when the rooms change: options rebuilt under an open list would close it.
  if (sorted.join() === [...targetRoom.options].map((option) => option.value).join()) return;
  const selected = targetRoom.value;
  targetRoom.replaceChildren(...sorted.map((room) => new Option(room, room)));
  if (rooms.has(selected)) targetRoom.value = selected;
}

function send(frame: Frame | string): void {
  socket?.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
}

function onFrame(frame: Frame): void {
  switch (frame.type) {
    case 'message':
      seen(frame.room, frame.from, senderOf(frame));
      renderRooms();
      addLine('message', `${senderOf(frame)}${frame.from === myId ? ' (you)' : ''}: ${frame.data}`, frame.room, frame.sentAt);
      break;
    case 'presence':
      // A room past 50 members hears a coalesced count instead of each join and leave (README, presence in big rooms).
      if (frame.event === 'count') {
        counts.set(frame.room, Number(frame.members));
        renderRooms();
        addLine('presence', `${frame.members} members now`, frame.room);
        break;
      }
      if (frame.event === 'join') seen(frame.room, frame.connectionId, senderOf(frame));
      else members.get(frame.room)?.delete(frame.connectionId);
      renderRooms();
      addLine('presence', `${senderOf(frame)} ${frame.event === 'join' ? 'joined' : 'left'}`, frame.room);
      break;
    case 'joined':
      rooms.add(frame.room);
      renderRooms();
      targetRoom.value = frame.room;
      addLine('info', `You joined #${frame.room}`);
      break;
    case 'left':
      rooms.delete(frame.room);
      renderRooms();
      addLine('info', `You left #${frame.room}`);
      break;
    case 'whoami':
      myId = frame.connectionId;
      myName = frame.name;
      rooms.clear();
      for (const room of frame.rooms) rooms.add(room);
      renderRooms();
      setStatus('open', `Connected as ${frame.name} (${frame.connectionId})`);
      for (const room of roomsToRejoin.splice(0)) if (!rooms.has(room)) send({ action: 'join', room });
      break;
    case 'error':
      addLine('error', `${frame.code}: ${frame.message}`);
      break;
    default:
      // API Gateway's own frames ({"message":"Internal server error"} …) and anything else.
      addLine(frame.message ? 'error' : 'info', frame.message ? `API Gateway: ${frame.message}` : JSON.stringify(frame));
  }
}

async function connect(): Promise<void> {
  const name = $<HTMLInputElement>('name').value.trim();
  const room = $<HTMLInputElement>('room').value.trim() || 'lobby';
  closedByUser = false;
  setStatus('connecting', 'Connecting…');
  let url: URL;
  try {
    // The page learns where the emulator listens from the server that served it; nothing is hard-coded.
    const response = await fetch('/config.json');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    url = new URL(((await response.json()) as { wsUrl: string }).wsUrl);
  } catch (error) {
    setStatus('closed', `Could not reach the emulator (${error instanceof Error ? error.message : String(error)}). Press Reconnect to try again.`);
    return;
  }
  url.hostname = location.hostname; // reachable the way this page was (inside a container the server binds 0.0.0.0)
  url.searchParams.set('room', room);
  if (name) url.searchParams.set('name', name);
  const ws = new WebSocket(url);
  socket = ws;
  ws.addEventListener('open', () => {
    setStatus('open', 'Connected');
    send({ action: 'whoami' });
  });
  ws.addEventListener('message', (event) => {
    let frame: unknown;
    try {
      frame = JSON.parse(String(event.data));
    } catch {
      frame = undefined;
    }
    if (typeof frame === 'object' && frame !== null) onFrame(frame as Frame);
    else addLine('info', String(event.data));
  });
  ws.addEventListener('close', (event) => {
    if (socket !== ws) return;
    roomsToRejoin = closedByUser ? [] : [...rooms];
    rooms.clear();
    renderRooms();
    // A refused handshake (HTTP 400 for a bad room or name) reaches a browser only as 1006.
    const why = event.code === 1006 ? 'the connection was refused or dropped' : `code ${event.code}${event.reason ? `, ${event.reason}` : ''}`;
    setStatus('closed', closedByUser ? 'Disconnected. Press Reconnect to connect again.' : `Disconnected by the server (${why}). Press Reconnect to connect again.`);
  });
}

$<HTMLFormElement>('connect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void connect();
});
$<HTMLButtonElement>('disconnect').addEventListener('click', () => {
  closedByUser = true;
  socket?.close(1000, 'bye');
});
$<HTMLFormElement>('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>('message');
  if (!input.value) return;
  send({ action: 'sendmessage', room: targetRoom.value || 'lobby', data: input.value });
  input.value = '';
});
$<HTMLFormElement>('join-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>('join-room');
  if (input.value) send({ action: 'join', room: input.value.trim() });
  input.value = '';
});
$<HTMLFormElement>('raw-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>('raw');
  if (input.value) send(input.value);
  input.value = '';
});
setStatus('idle', 'Not connected');
