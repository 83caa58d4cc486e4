import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type HandlerEvent = Record<string, any>;

export interface HandlerRecorder {
  /** `http://127.0.0.1:PORT/`: fixture handlers POST what they saw here (test/fixtures/projects/record.ts). */
  url: string;
  events: HandlerEvent[];
  /** Resolves with the first event a handler has reported (or will) that matches; rejects after `timeoutMs`. */
  eventSeen(match: (event: HandlerEvent) => boolean, timeoutMs?: number): Promise<HandlerEvent>;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP server the fixture handlers report to. Handlers run in execution environments of their own (worker
 * threads), so they cannot hand the test anything through memory: a report is a real request, answered once stored,
 * and each report wakes the tests waiting for it (no polling).
 */
export async function startHandlerRecorder(): Promise<HandlerRecorder> {
  const events: HandlerEvent[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      events.push(JSON.parse(body) as HandlerEvent);
      response.end('recorded');
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    events,
    eventSeen: (match, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const found = events.find(match);
          if (found === undefined) return;
          waiters.delete(look);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(look);
          reject(new Error(`no matching handler event within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(look);
        look();
      }),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
