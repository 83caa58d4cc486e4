import express from 'express';
import type { Emulator } from '../emulator.ts';
import type { InspectorFeed } from './inspector-feed.ts';

/** The inspector's API under `/inspector`: the live feed (server-sent events) and the actions on connections. */
export function inspectorRoutes(emulator: Emulator, feed: InspectorFeed, streams: Set<express.Response>): express.Router {
  const router = express.Router();
  router.get('/events', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const send = (message: unknown) => res.write(`data: ${JSON.stringify(message)}\n\n`);
    send({ type: 'snapshot', entries: feed.entries(), connections: feed.connections() });
    const unsubscribe = feed.subscribe(send);
    streams.add(res);
    req.on('close', () => {
      unsubscribe();
      streams.delete(res);
    });
  });
  router.post('/clear', (_req, res) => {
    feed.clear();
    res.status(204).end();
  });
  router.post('/connections/:id/disconnect', (req, res) => {
    const outcome = emulator.disconnect(req.params.id);
    res.status(outcome === 'gone' ? 410 : 204).end();
  });
  router.post('/connections/:id/messages', express.text({ type: '*/*', limit: '256kb' }), (req, res) => {
    const data = typeof req.body === 'string' ? req.body : '';
    if (data === '') return void res.status(400).json({ message: 'The message is empty' });
    if (Buffer.byteLength(data) > 131_072) return void res.status(413).json({ message: 'At most 128 KB, as PostToConnection' });
    res.status(emulator.post(req.params.id, data) === 'gone' ? 410 : 204).end();
  });
  return router;
}
