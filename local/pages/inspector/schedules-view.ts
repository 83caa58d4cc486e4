import { el } from '../dom.ts';

/** A schedule rule as `GET /inspector/schedules` lists it (the project's `schedule` events). */
export interface ScheduleRule {
  functionKey: string;
  name: string;
  expression: string;
  enabled: boolean;
}

/** What the runs of a WebSocket route are not: the other sources that run functions, by the record's eventType. */
export const TRIGGER_KINDS: Record<string, string> = {
  HTTP: 'HTTP route (API Gateway REST or HTTP API)',
  INVOKE: "Lambda's Invoke API",
  SCHEDULE: 'A schedule (EventBridge rule)',
  STREAM: 'A DynamoDB stream batch',
};

/**
 * One row per scheduled function with its rules: firing runs every rule of that function now, as
 * `POST /inspector/schedules/{functionKey}/fire` does (disabled rules too: that is how one tries a dormant rule).
 */
export function renderSchedules(body: HTMLElement, rules: ScheduleRule[], fire: (functionKey: string) => void): void {
  const byFunction = new Map<string, ScheduleRule[]>();
  for (const rule of rules) byFunction.set(rule.functionKey, [...(byFunction.get(rule.functionKey) ?? []), rule]);
  body.replaceChildren(
    ...[...byFunction].map(([functionKey, its]) =>
      el(
        'tr',
        {},
        el('td', { 'data-label': 'Function' }, el('code', {}, functionKey)),
        el(
          'td',
          { 'data-label': 'Rules' },
          el('ul', { className: 'rules' }, ...its.map((rule) => el('li', {}, el('code', {}, rule.expression), ` ${rule.name}`, rule.enabled ? '' : el('span', { className: 'muted' }, ' (disabled)')))),
        ),
        el('td', { 'data-label': 'Actions' }, el('button', { type: 'button', 'aria-label': `Fire ${functionKey} now`, onclick: () => fire(functionKey) }, 'Fire now')),
      ),
    ),
  );
}
