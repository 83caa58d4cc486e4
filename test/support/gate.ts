import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback server that holds each request until `release()`: handlers fetch its URL and wait on it, so a test
 * controls which invocations overlap. Stop it with `stop()`.
 */
export async function startGate() {
  const held: ServerResponse[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((_request, response) => {
    held.push(response);
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    /** Resolves once `count` requests are held. */
    holding: (count: number) =>
      new Promise<void>((resolve) => {
        const look = () => held.length >= count && (waiters.delete(look), resolve());
        waiters.add(look);
        look();
      }),
    release: () => held.splice(0).forEach((response) => response.end('go')),
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
