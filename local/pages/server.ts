import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import type { Emulator } from '../emulator.ts';
import type { HostCheck } from '../security/allowed-hosts.ts';
import { InspectorFeed } from './inspector-feed.ts';

const here = import.meta.dirname;

/**
 * A page's script. The installed package ships each page already bundled where its compiled file would be
 * (`chat/chat.js`, made by `npm run build`); from the sources it is bundled in memory on start, with esbuild loaded
 * only then: no dev server, nothing from a CDN.
 */
async function bundle(entry: string): Promise<string> {
  const prebuilt = join(here, entry.replace(/\.ts$/, '.js'));
  if (existsSync(prebuilt)) return readFileSync(prebuilt, 'utf8');
  const { bundlePage } = await import('./bundle-page.ts');
  return bundlePage(join(here, entry));
}

/**
 * The browser side of the emulator: the chat page at `/`, the inspector at `/inspector` (live over server-sent
 * events), and `/config.json` so the page learns the WebSocket URL from the server.
 */
export async function startPages(
  emulator: Emulator,
  options: { port: number; host: string; checkHost: HostCheck; /** Served after the pages' own paths: the app's HTTP events, trigger routes. */ extra?: express.RequestHandler[] },
): Promise<{ url: string; stop(): Promise<void> }> {
  const [chatJs, inspectorJs] = await Promise.all([bundle('chat/chat.ts'), bundle('inspector/inspector.ts')]);
  const page = (file: string) => readFileSync(join(here, file), 'utf8');
  const feed = new InspectorFeed(emulator);
  const streams = new Set<express.Response>();

  const app = express();
  app.disable('x-powered-by');
  // Every page, the event feed (every frame, query string and token) and the actions: only for the names this server
  // is served as, or a page that rebinds its own name to 127.0.0.1 could read and drive them (see allowed-hosts.ts).
  app.use((req, res, next) => {
    const refusal = options.checkHost(req.headers.host);
    if (refusal !== undefined) return void res.status(403).json({ message: refusal });
    next();
  });
  app.get('/', (_req, res) => void res.type('html').send(page('chat/index.html')));
  app.get('/inspector', (_req, res) => void res.type('html').send(page('inspector/index.html')));
  app.get('/assets/chat.js', (_req, res) => void res.type('js').send(chatJs));
  app.get('/assets/inspector.js', (_req, res) => void res.type('js').send(inspectorJs));
  app.get('/assets/style.css', (_req, res) => void res.type('css').send(page('style.css')));
  app.get('/config.json', (_req, res) => {
    const ws = new URL(emulator.wsUrl);
    res.json({ wsUrl: emulator.wsUrl, wsPort: Number(ws.port), stage: emulator.stage, connectionsUrl: emulator.connectionsUrl });
  });

  app.get('/inspector/events', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const send = (message: unknown) => res.write(`data: ${JSON.stringify(message)}\n\n`);
    send({ type: 'snapshot', entries: feed.entries, connections: feed.connections() });
    const unsubscribe = feed.subscribe(send);
    streams.add(res);
    req.on('close', () => {
      unsubscribe();
      streams.delete(res);
    });
  });
  // text/plain POSTs need no CORS preflight, so without this any web page open in the same browser could disconnect
  // or write to local connections. The inspector's own fetches carry its origin, which matches the Host it used.
  app.use('/inspector/connections', (req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && (!URL.canParse(origin) || new URL(origin).host !== req.headers.host)) {
      return void res.status(403).json({ message: `Requests from ${origin} may not act on connections` });
    }
    next();
  });
  app.post('/inspector/connections/:id/disconnect', (req, res) => {
    const outcome = emulator.disconnect(req.params.id);
    res.status(outcome === 'gone' ? 410 : 204).end();
  });
  app.post('/inspector/connections/:id/messages', express.text({ type: '*/*', limit: '256kb' }), (req, res) => {
    const data = typeof req.body === 'string' ? req.body : '';
    if (data === '') return void res.status(400).json({ message: 'The message is empty' });
    if (Buffer.byteLength(data) > 131_072) return void res.status(413).json({ message: 'At most 128 KB, as PostToConnection' });
    res.status(emulator.post(req.params.id, data) === 'gone' ? 410 : 204).end();
  });

  for (const handler of options.extra ?? []) app.use(handler);

  const server = app.listen(options.port, options.host);
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
