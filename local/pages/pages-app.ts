import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { Emulator } from '../emulator.ts';
import { appIndexOf, appPages } from './app-pages.ts';
import type { InspectorFeed } from './inspector-feed.ts';
import { inspectorRoutes } from './inspector-routes.ts';
import { originGuard } from './origin-guard.ts';
import type { PagesConfigJson, PagesOptions } from './server.ts';
import { tablesApi } from './tables-api.ts';

const here = import.meta.dirname;

/**
 * A page's script. The installed package ships each page already bundled where its compiled file would be
 * (`client/client.js`, made by `npm run build`); from the sources it is bundled in memory on first request, with
 * esbuild loaded only then: no dev server, nothing from a CDN.
 */
async function bundle(entry: string): Promise<string> {
  const prebuilt = join(here, entry.replace(/\.ts$/, '.js'));
  if (existsSync(prebuilt)) return readFileSync(prebuilt, 'utf8');
  const { bundlePage } = await import('./bundle-page.ts');
  return bundlePage(join(here, entry));
}

/**
 * The pages' routes (see startPages), as one express app: built on the pages' first request, so that neither express
 * nor the pages' code is loaded before the emulator listens. The feed and the event streams are the server's, made
 * at its start: the inspector shows what happened before anyone opened it.
 */
export function pagesApp(emulator: Emulator, feed: InspectorFeed, streams: Set<express.Response>, options: PagesOptions): express.Express {
  // Each of the emulator's own scripts is read or bundled once, on first request: start-up does not wait for esbuild.
  const bundles = new Map<string, Promise<string>>();
  const script = (entry: string) => (_req: express.Request, res: express.Response) => {
    if (!bundles.has(entry)) bundles.set(entry, bundle(entry));
    bundles.get(entry)!.then(
      (code) => void res.type('js').send(code),
      (error: unknown) => void res.status(500).type('text').send(String(error)),
    );
  };
  const file = (name: string) => readFileSync(join(here, name), 'utf8');
  const html = (name: string) => (_req: express.Request, res: express.Response) => void res.type('html').send(file(name));
  const appIndex = appIndexOf(emulator.config.pages);

  const app = express();
  app.disable('x-powered-by');
  // Every page, the event feed (every frame, query string and token) and the actions: only for the names this server
  // is served as, or a page that rebinds its own name to 127.0.0.1 could read and drive them (see allowed-hosts.ts).
  app.use((req, res, next) => {
    const refusal = options.checkHost(req.headers.host);
    if (refusal !== undefined) return void res.status(403).json({ message: refusal });
    next();
  });
  // The emulator's own actions only: the app's HTTP routes, served here too, answer other origins as their CORS says.
  app.use(['/inspector', '/tables'], originGuard);
  app.get('/', appIndex ? (_req, res) => void res.sendFile(appIndex) : html('client/index.html'));
  app.get('/client', html('client/index.html'));
  app.get('/inspector', html('inspector/index.html'));
  app.get('/tables', html('tables/index.html'));
  app.get('/assets/client.js', script('client/client.ts'));
  app.get('/assets/inspector.js', script('inspector/inspector.ts'));
  app.get('/assets/tables.js', script('tables/tables.ts'));
  app.get('/assets/style.css', (_req, res) => void res.type('css').send(file('style.css')));
  app.get(['/favicon.svg', '/favicon.ico'], (_req, res) => void res.type('svg').set('cache-control', 'max-age=3600').send(file('favicon.svg')));
  app.get('/config.json', (_req, res) => {
    const ws = new URL(emulator.wsUrl);
    const { config } = emulator;
    res.json({
      service: config.service,
      wsUrl: emulator.wsUrl,
      wsPort: Number(ws.port),
      stage: emulator.stage,
      connectionsUrl: emulator.connectionsUrl,
      routeSelectionExpression: config.routeSelectionExpression,
      routes: [...config.routes.values()].map((r) => ({ routeKey: r.routeKey, functionName: r.functionName, authorizer: r.authorizer !== undefined })),
      tables: config.tables.map((t) => t.tableName),
      ...(appIndex ? { appPage: '/' } : {}),
    } satisfies PagesConfigJson);
  });
  app.use('/inspector', inspectorRoutes(emulator, feed, streams));
  app.use('/tables/api', tablesApi({ endpoint: emulator.dynamodbEndpoint, region: emulator.config.region, declared: emulator.config.tables.map((t) => t.tableName) }));
  if (emulator.config.pages) app.use(appPages(emulator.config.pages));

  for (const handler of options.extra ?? []) app.use(handler);

  return app;
}
