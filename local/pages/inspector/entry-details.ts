import { el, formatBytes, timeElement } from '../dom.ts';
import type { FeedEntry, Payload } from '../inspector-feed.ts';

/** A payload as a block: pretty JSON when it parses, else its text, or hex; a cut one says so with its full size. */
export function payloadBlock(title: string, payload: Payload): HTMLElement {
  let shown = payload.text ?? payload.hex ?? '';
  if (payload.text !== undefined && !payload.truncated) {
    try {
      shown = JSON.stringify(JSON.parse(payload.text), null, 2);
    } catch {
      // not JSON: shown as it came
    }
  }
  const kind = payload.hex !== undefined ? 'binary, hex' : 'text';
  const size = payload.truncated ? `${formatBytes(payload.bytes)}, cut to the first ${shown.length.toLocaleString('en')} characters` : formatBytes(payload.bytes);
  return el('section', { className: 'payload', 'aria-label': title }, el('h4', {}, `${title} `, el('span', { className: 'muted' }, `(${kind}, ${size})`)), el('pre', {}, shown));
}

function facts(rows: [string, string | undefined][]): HTMLElement {
  return el('dl', { className: 'facts' }, ...rows.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v!)]));
}

const ms = (value: number | undefined) => (value === undefined ? undefined : `${value.toFixed(value < 10 ? 2 : 1)} ms`);

const OUTCOMES: Record<number, string> = { 200: 'delivered', 204: 'done', 403: 'forbidden', 410: 'gone', 413: 'too large' };

export interface EntryActions {
  /** The function a schedule rule runs, when the page knows the rule. */
  scheduledFunction?(ruleName: string): string | undefined;
  /** Fires every schedule of a function now. */
  fire?(functionKey: string): void;
}

/** Everything an entry holds, for its expanded row: the whole event, result, logs, timings, payloads. */
export function entryDetails(entry: FeedEntry, actions: EntryActions = {}): HTMLElement {
  switch (entry.kind) {
    case 'invocation': {
      const cold = entry.coldStart === undefined ? undefined : entry.coldStart ? `yes${entry.initDurationMs !== undefined ? `, init ${ms(entry.initDurationMs)}` : ''}` : 'no';
      const scheduled = entry.eventType === 'SCHEDULE' ? actions.scheduledFunction?.(entry.routeKey) : undefined;
      return el(
        'div',
        { className: 'details' },
        scheduled !== undefined && actions.fire && el('p', {}, el('button', { type: 'button', onclick: () => actions.fire!(scheduled) }, `Fire ${scheduled} again`)),
        facts([
          ['Function', entry.functionName],
          ['Request id', entry.requestId],
          ['Status', String(entry.status)],
          ['Duration', ms(entry.durationMs)],
          ['Billed duration', ms(entry.billedDurationMs)],
          ['Cold start', cold],
          ['Init duration', entry.coldStart ? undefined : ms(entry.initDurationMs)],
          ['Max memory used', entry.maxMemoryUsedMb === undefined ? undefined : `${entry.maxMemoryUsedMb} MB`],
          ['Error', entry.error],
        ]),
        entry.event ? payloadBlock('Event', entry.event) : undefined,
        entry.result ? payloadBlock('Result', entry.result) : entry.error || entry.status === 'Forbidden' ? undefined : el('p', { className: 'muted' }, 'The handler returned nothing.'),
        entry.logs === undefined
          ? undefined
          : el(
              'section',
              { className: 'logs', 'aria-label': 'Logs' },
              el('h4', {}, `Logs (${entry.logs.length}${entry.logsDropped ? ` shown, ${entry.logsDropped} more dropped` : ''})`),
              entry.logs.length === 0
                ? el('p', { className: 'muted' }, 'The handler logged nothing.')
                : el('ol', {}, ...entry.logs.map((line) => el('li', { className: `level-${line.level}` }, timeElement(line.time), el('span', { className: 'level' }, line.level), el('span', { className: 'message' }, line.message)))),
            ),
      );
    }
    case 'management':
      return el(
        'div',
        { className: 'details' },
        facts([
          ['Call', `${entry.method} @connections/${entry.connectionId}`],
          ['Outcome', `${entry.status} ${OUTCOMES[entry.status] ?? ''}`.trim()],
        ]),
        entry.payload ? payloadBlock('Payload', entry.payload) : undefined,
      );
    case 'disconnect':
      return el('div', { className: 'details' }, facts([['Close code', String(entry.statusCode)], ['Reason', entry.reason || '(none)']]));
    case 'connection':
      return el('div', { className: 'details' }, facts([['Connected at', entry.time]]));
  }
}

/** The entry's one-line summary: event, route, status, duration, body. */
export function describe(entry: FeedEntry): [event: string, route: string, status: string, duration: string, body: string] {
  switch (entry.kind) {
    case 'invocation':
      return [
        entry.eventType,
        entry.routeKey,
        String(entry.status),
        `${entry.durationMs.toFixed(1)} ms${entry.coldStart ? ' (cold)' : ''}`,
        [entry.error, entry.bodyPreview].filter(Boolean).join(' — '),
      ];
    case 'management': {
      const payload = entry.payload ? ` ${formatBytes(entry.payload.bytes)}: ${(entry.payload.text ?? entry.payload.hex ?? '').slice(0, 120)}` : '';
      return ['@connections', `${entry.method} @connections`, `${entry.status}${OUTCOMES[entry.status] ? ` ${OUTCOMES[entry.status]}` : ''}`, '', payload.trim()];
    }
    case 'connection':
      return ['OPEN', '', '', '', ''];
    case 'disconnect':
      return ['CLOSE', '', String(entry.statusCode), '', entry.reason ?? ''];
  }
}
