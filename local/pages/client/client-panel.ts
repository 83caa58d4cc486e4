import { byteLength, el, formatBytes, timeElement } from '../dom.ts';
import type { MessageStore } from './message-store.ts';
import { frameForRoute, sendableRoutes } from './route-frames.ts';

export interface PanelSettings {
  name: string;
  /** `ws://host:port` of the API, as /config.json gives it (the page's own hostname is used). */
  wsOrigin: string;
  stage: string;
  routeKeys: string[];
  routeSelectionExpression: string;
  store: MessageStore;
  onRemove(panel: ClientPanel): void;
}

const MAX_LOG_LINES = 500; // a long session must not grow the page without bound

/** One named WebSocket client: connect with path, query and subprotocols; compose and send; a log of both ways. */
export class ClientPanel {
  readonly element: HTMLElement;
  private socket: WebSocket | undefined;
  private readonly status = el('span', { role: 'status', 'data-state': 'idle' }, 'Not connected');
  private readonly path: HTMLInputElement;
  private readonly query = el('input', { name: 'query', autocomplete: 'off', placeholder: 'room=lobby&name=Ann' });
  private readonly protocols = el('input', { name: 'protocols', autocomplete: 'off', placeholder: 'chat.v1, chat.v2' });
  private readonly closeCode = el('input', { name: 'code', type: 'number', min: 1000, max: 4999, value: '1000' });
  private readonly closeReason = el('input', { name: 'reason', autocomplete: 'off', maxlength: 123, placeholder: 'bye' });
  private readonly composer = el('textarea', { name: 'message', rows: 4, spellcheck: 'false', placeholder: '{"action":"…"}' });
  private readonly validity = el('p', { className: 'validity muted', 'aria-live': 'polite' });
  private readonly saveName = el('input', { name: 'save-as', autocomplete: 'off', placeholder: 'a name' });
  private readonly history = el('select', { name: 'history' });
  private readonly saved = el('select', { name: 'saved' });
  private readonly log = el('ol', { className: 'log' });
  private readonly connectButton = el('button', { type: 'submit' }, 'Connect');
  private readonly disconnectButton = el('button', { type: 'submit', className: 'secondary', disabled: true }, 'Disconnect');
  private readonly sendButton = el('button', { type: 'submit', disabled: true }, 'Send');

  constructor(private readonly settings: PanelSettings) {
    const { name } = settings;
    this.path = el('input', { name: 'path', autocomplete: 'off', value: `/${settings.stage}` });
    this.log.setAttribute('aria-label', `Log of ${name}`);
    this.history.setAttribute('aria-label', 'History');
    this.saved.setAttribute('aria-label', 'Saved messages');
    const routes = sendableRoutes(settings.routeKeys);
    this.element = el(
      'section',
      { className: 'client', 'aria-label': `Client ${name}` },
      el('header', {}, el('h2', {}, name), this.status, el('button', { type: 'button', className: 'secondary', 'aria-label': `Remove client ${name}`, onclick: () => this.remove() }, 'Remove')),
      el(
        'form',
        { 'aria-label': `Connect ${name}`, onsubmit: (e) => (e.preventDefault(), this.connect()) },
        el('label', {}, 'Path', this.path),
        el('label', {}, 'Query', this.query),
        el('label', {}, 'Subprotocols', this.protocols),
        this.connectButton,
      ),
      el(
        'form',
        { 'aria-label': `Disconnect ${name}`, onsubmit: (e) => (e.preventDefault(), this.disconnect()) },
        el('label', {}, 'Close code', this.closeCode),
        el('label', { className: 'grow' }, 'Reason', this.closeReason),
        this.disconnectButton,
      ),
      routes.length === 0
        ? undefined
        : el(
            'div',
            { className: 'routes', role: 'group', 'aria-label': `Routes for ${name}` },
            el('span', { className: 'muted' }, 'Routes:'),
            ...routes.map((key) => el('button', { type: 'button', className: 'secondary route', title: `Fill the composer for ${key}`, onclick: () => this.fillRoute(key) }, key)),
          ),
      el(
        'form',
        { className: 'composer', 'aria-label': `Compose for ${name}`, onsubmit: (e) => (e.preventDefault(), this.send()) },
        el('label', { className: 'grow' }, 'Message', this.composer),
        this.validity,
        el(
          'div',
          { className: 'row' },
          this.sendButton,
          el('button', { type: 'button', className: 'secondary', onclick: () => this.prettyPrint() }, 'Pretty-print'),
          el('label', {}, 'History', this.history),
          el('label', {}, 'Saved', this.saved),
        ),
        el(
          'div',
          { className: 'row' },
          el('label', {}, 'Save as', this.saveName),
          el('button', { type: 'button', className: 'secondary', onclick: () => this.saveMessage() }, 'Save'),
          el('button', { type: 'button', className: 'secondary', onclick: () => this.forgetMessage() }, 'Delete saved'),
        ),
      ),
      el('div', { className: 'log-head' }, el('h3', {}, 'Log'), el('button', { type: 'button', className: 'secondary', 'aria-label': `Clear the log of ${name}`, onclick: () => this.log.replaceChildren() }, 'Clear')),
      this.log,
    );
    this.composer.addEventListener('input', () => this.validate());
    this.composer.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.send();
      }
    });
    this.history.addEventListener('change', () => this.load(this.history.value));
    this.saved.addEventListener('change', () => {
      const message = settings.store.saved.find((m) => m.name === this.saved.value);
      if (message) {
        this.saveName.value = message.name;
        this.load(message.text);
      }
    });
    settings.store.onChange(() => this.renderStore());
    this.renderStore();
    this.validate();
  }

  get name(): string {
    return this.settings.name;
  }

  connect(): void {
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) return;
    const url = new URL(this.settings.wsOrigin);
    url.hostname = location.hostname; // reachable the way this page was (inside a container the server binds 0.0.0.0)
    url.pathname = this.path.value.trim() || '/';
    url.search = this.query.value.trim().replace(/^\?/, '');
    const protocols = this.protocols.value.split(',').map((p) => p.trim()).filter(Boolean);
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, protocols);
    } catch (error) {
      this.line('event', `Cannot connect to ${url.href}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.socket = ws;
    this.setState('connecting', 'Connecting…');
    this.line('event', `Connecting to ${url.href}${protocols.length ? ` offering ${protocols.join(', ')}` : ''}`);
    ws.addEventListener('open', () => {
      this.setState('open', ws.protocol ? `Open (${ws.protocol})` : 'Open');
      this.line('event', `Open${ws.protocol ? `, subprotocol ${ws.protocol}` : ''}`);
    });
    ws.addEventListener('message', (event) => {
      if (typeof event.data === 'string') this.line('in', event.data, byteLength(event.data));
      else {
        const bytes = new Uint8Array(event.data as ArrayBuffer);
        this.line('in', `binary ${[...bytes.slice(0, 64)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}${bytes.length > 64 ? ' …' : ''}`, bytes.length);
      }
    });
    ws.addEventListener('close', (event) => {
      if (this.socket !== ws) return;
      // A refused handshake (any HTTP status) reaches a browser only as 1006, with no reason.
      const why = event.code === 1006 ? ' (no close frame: refused or dropped)' : '';
      const text = `Closed ${event.code}${event.reason ? ` "${event.reason}"` : ''}${why}${event.wasClean ? '' : ', not clean'}`;
      this.setState('closed', text);
      this.line('event', text);
    });
  }

  disconnect(): void {
    const code = Number(this.closeCode.value || 1000);
    if (code !== 1000 && (code < 3000 || code > 4999)) {
      this.line('event', `A browser may close only with 1000 or 3000–4999, not ${code}`);
      return;
    }
    this.socket?.close(code, this.closeReason.value);
  }

  /** Fills `{"action": key}` (per the selection expression) into the composer, keeping the other fields there. */
  fillRoute(routeKey: string): void {
    let current: unknown;
    try {
      current = JSON.parse(this.composer.value);
    } catch {
      current = undefined;
    }
    const frame = frameForRoute(this.settings.routeSelectionExpression, routeKey, current);
    if (routeKey === '$default' && frame === undefined) return this.composer.focus();
    this.load(JSON.stringify(routeKey === '$default' ? (current ?? {}) : frame ?? {}, null, 2));
    this.composer.focus();
  }

  private send(): void {
    const text = this.composer.value;
    if (!text || this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(text);
    this.line('out', text, byteLength(text));
    this.settings.store.remember(text);
  }

  private load(text: string): void {
    this.composer.value = text;
    this.validate();
  }

  private validate(): void {
    const text = this.composer.value;
    if (text === '') {
      this.validity.textContent = 'Any text; JSON is checked as you type. Ctrl+Enter sends.';
      this.validity.dataset.valid = '';
      return;
    }
    const size = formatBytes(byteLength(text));
    try {
      JSON.parse(text);
      this.validity.textContent = `Valid JSON · ${size}`;
      this.validity.dataset.valid = 'true';
    } catch (error) {
      this.validity.textContent = `Not JSON, sent as text: ${error instanceof Error ? error.message : String(error)} · ${size}`;
      this.validity.dataset.valid = 'false';
    }
  }

  private prettyPrint(): void {
    try {
      this.load(JSON.stringify(JSON.parse(this.composer.value), null, 2));
    } catch {
      this.validate(); // the line already says why it is not JSON
    }
  }

  private saveMessage(): void {
    const name = this.saveName.value.trim();
    if (!name || !this.composer.value) return;
    this.settings.store.save(name, this.composer.value);
    this.saved.value = name;
  }

  private forgetMessage(): void {
    if (this.saved.value) this.settings.store.forget(this.saved.value);
  }

  private renderStore(): void {
    const { history, saved } = this.settings.store;
    const shorten = (text: string) => (text.length > 60 ? `${text.slice(0, 60).replace(/\s+/g, ' ')}…` : text.replace(/\s+/g, ' '));
    this.history.replaceChildren(new Option(history.length ? `${history.length} sent` : 'none yet', ''), ...history.map((text) => new Option(shorten(text), text)));
    const chosen = this.saved.value;
    this.saved.replaceChildren(new Option(saved.length ? `${saved.length} saved` : 'none yet', ''), ...saved.map((m) => new Option(m.name, m.name)));
    if (saved.some((m) => m.name === chosen)) this.saved.value = chosen;
  }

  private setState(state: 'idle' | 'connecting' | 'open' | 'closed', text: string): void {
    this.status.dataset.state = state;
    this.status.textContent = text;
    this.connectButton.disabled = state === 'open' || state === 'connecting';
    this.connectButton.textContent = state === 'closed' ? 'Reconnect' : 'Connect';
    this.disconnectButton.disabled = state !== 'open' && state !== 'connecting';
    this.sendButton.disabled = state !== 'open';
  }

  private line(kind: 'in' | 'out' | 'event', text: string, bytes?: number): void {
    const arrow = kind === 'in' ? '↓ in' : kind === 'out' ? '↑ out' : '•';
    this.log.append(
      el(
        'li',
        { className: kind },
        timeElement(new Date()),
        el('span', { className: 'direction' }, arrow),
        bytes === undefined ? undefined : el('span', { className: 'size' }, formatBytes(bytes)),
        el('span', { className: 'text' }, text),
      ),
    );
    while (this.log.childElementCount > MAX_LOG_LINES) this.log.firstElementChild!.remove();
    this.log.scrollTop = this.log.scrollHeight;
  }

  private remove(): void {
    this.socket?.close(1000, 'client removed');
    this.element.remove();
    this.settings.onRemove(this);
  }
}
