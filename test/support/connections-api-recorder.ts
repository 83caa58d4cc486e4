import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that answers like API Gateway's @connections API: 200 for a POST to a live id, a typed
 * 410 GoneException for ids marked gone. It records every frame posted, per connection id.
 */
export async function startConnectionsApiRecorder(stage = 'dev') {
  const frames = new Map<string, unknown[]>();
  const gone = new Set<string>();
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const match = /^\/[^/]+\/@connections\/([^/]+)$/.exec(req.url ?? '');
    const id = match ? decodeURIComponent(match[1]!) : '';
    if (req.method !== 'POST' || !match || gone.has(id)) {
      res.writeHead(410, { 'x-amzn-ErrorType': 'GoneException', 'content-type': 'application/json' });
      res.end('{"message":null}');
      return;
    }
    frames.set(id, [...(frames.get(id) ?? []), JSON.parse(body)]);
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/${stage}`,
    gone,
    framesTo: (connectionId: string) => frames.get(connectionId) ?? [],
    clear: () => frames.clear(),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
