import { Agent, createServer, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { socketPair } from '../../../../local/runtime/intercept/socket-pair.ts';

/** node:http's client and server over in-memory pairs, as the environments' @connections relay uses them. */
function pairedHttp(keepAlive: boolean) {
  const served: Duplex[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.method} ${req.url} ${body}`));
  });
  const agent = new Agent({ keepAlive, maxSockets: 1 });
  agent.createConnection = () => {
    const [client, end] = socketPair();
    served.push(end);
    server.emit('connection', end);
    return client;
  };
  const call = (path: string, body: string) =>
    new Promise<{ text: string; socket: unknown }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: 1, path, method: 'POST', agent }, (res: IncomingMessage) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ text, socket: req.socket }));
      });
      req.on('error', reject);
      req.end(body);
    });
  return { served, agent, call, server };
}

describe('socketPair', () => {
  it('carries HTTP requests both ways, and a kept-alive connection serves the next request', async () => {
    const { served, agent, call } = pairedHttp(true);
    const first = await call('/a', 'one');
    const second = await call('/b', 'two'.repeat(50_000)); // past one chunk of the stream's buffer
    expect(first.text).toBe('POST /a one');
    expect(second.text).toBe(`POST /b ${'two'.repeat(50_000)}`);
    expect(served).toHaveLength(1);
    expect(second.socket).toBe(first.socket);
    agent.destroy();
  });

  it('opens a connection per request without keep-alive, and ends each after its response', async () => {
    const { served, call } = pairedHttp(false);
    const results = [await call('/a', '1'), await call('/b', '2')];
    expect(results.map((r) => r.text)).toEqual(['POST /a 1', 'POST /b 2']);
    expect(served).toHaveLength(2);
    await expect.poll(() => served.map((end) => end.destroyed)).toEqual([true, true]);
  });

  it('destroys the other end with it', () => {
    const [client, server] = socketPair();
    client.destroy();
    expect([client.destroyed, server.destroyed]).toEqual([true, true]);
  });

  it("emits 'timeout' after that long without reads or writes, as a socket does", async () => {
    const [client, server] = socketPair();
    let since = 0;
    const timedOut = new Promise<number>((resolve) => client.setTimeout(30, () => resolve(performance.now() - since)));
    since = performance.now();
    server.write('data arriving counts as activity: the 30 ms start again');
    expect(await timedOut).toBeGreaterThanOrEqual(25);
    expect(client.read()?.toString()).toBe('data arriving counts as activity: the 30 ms start again');
    client.destroy();
  });
});
