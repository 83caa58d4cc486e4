import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { Emulator } from '../emulator.ts';
import type { HostCheck } from '../security/allowed-hosts.ts';
import { InspectorFeed } from './inspector-feed.ts';

/** What every page learns from the server that served it: where the API listens, its routes, its tables. */
export interface PagesConfigJson {
  service: string;
  wsUrl: string;
  wsPort: number;
  stage: string;
  connectionsUrl: string;
  routeSelectionExpression: string;
  routes: { routeKey: string; functionName: string; authorizer: boolean }[];
  tables: string[];
  /** The app's own start page (`custom.wsgate.pages`), when there is one. */
  appPage?: string;
}

export interface PagesOptions {
  port: number;
  host: string;
  checkHost: HostCheck;
  /** Served after the pages' own paths: the app's HTTP events, trigger routes. */
  extra?: express.RequestHandler[];
}

/**
 * The browser side of the emulator: the app's own page at `/` when the project has one (`custom.wsgate.pages`),
 * else the generic WebSocket client (always at `/client`); the inspector at `/inspector` (live over server-sent
 * events); the DynamoDB browser at `/tables` (its JSON API under `/tables/api`); `/config.json` so pages learn the WebSocket URL and routes.
 *
 * It listens at once; express and the pages' routes (pages-app.ts) load on the first request.
 */
export async function startPages(emulator: Emulator, options: PagesOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const feed = new InspectorFeed(emulator);
  const streams = new Set<express.Response>();
  let app: Promise<express.Express> | undefined;
  const server = createServer((request, response) => {
    app ??= import('./pages-app.ts').then(({ pagesApp }) => pagesApp(emulator, feed, streams, options));
    app.then(
      (handle) => handle(request, response),
      (error: unknown) => void response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`wsgate: the pages could not be loaded: ${String(error)}`),
    );
  });
  server.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${address}:${(server.address() as AddressInfo).port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        feed.close();
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
