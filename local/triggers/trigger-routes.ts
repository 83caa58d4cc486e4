import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ScheduleConfig } from '../model/app-model.ts';

const FIRE = /^\/inspector\/schedules\/([^/]+)\/fire\/?$/;

/**
 * The inspector's schedule controls, for the pages server: `GET /inspector/schedules` lists the rules,
 * `POST /inspector/schedules/{functionKey}/fire` fires that function's rules now (204 once they have run, 404 for a
 * function without one). Like the inspector's connection actions, a cross-origin POST is refused (403).
 */
export function scheduleRoutes(schedules: ScheduleConfig[], fire: (functionKey: string) => Promise<void>) {
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, body?: unknown) => {
      response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (request.method === 'GET' && path === '/inspector/schedules') return send(200, schedules);
    const match = FIRE.exec(path);
    if (request.method !== 'POST' || !match) return next();
    request.resume();
    const origin = request.headers.origin;
    if (origin !== undefined && (!URL.canParse(origin) || new URL(origin).host !== request.headers.host)) {
      return send(403, { message: `Requests from ${origin} may not fire schedules` });
    }
    const functionKey = decodeURIComponent(match[1]!);
    if (!schedules.some((rule) => rule.functionKey === functionKey)) return send(404, { message: `functions.${functionKey} has no schedule event` });
    fire(functionKey).then(() => send(204), (error: unknown) => send(500, { message: (error as Error).message }));
  };
}
