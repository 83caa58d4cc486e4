import WebSocket from 'ws';

export interface TestClient {
  socket: WebSocket;
  /** Every JSON frame received so far, in order. */
  frames: Record<string, any>[];
  /** Resolves with the first frame (already received or arriving) that matches, after those already consumed. */
  next(match: (frame: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

/** A real `ws` client that records frames and lets a test wait for one, with a timeout instead of a sleep. */
export function connectClient(url: string, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    const frames: Record<string, any>[] = [];
    const waiters = new Set<() => void>();
    const consumed = new Set<number>();
    socket.on('message', (data) => {
      const text = data.toString();
      try {
        frames.push(JSON.parse(text) as Record<string, any>);
      } catch {
        frames.push({ raw: text });
      }
      for (const wake of waiters) wake();
    });
    const closed = new Promise<{ code: number; reason: string }>((resolveClose) =>
      socket.once('close', (code, reason) => resolveClose({ code, reason: reason.toString() })),
    );
    socket.once('unexpected-response', (_request, response) =>
      reject(Object.assign(new Error(`handshake refused: ${response.statusCode}`), { statusCode: response.statusCode })),
    );
    socket.once('error', reject);
    socket.on('error', () => {}); // after the handshake, errors end in a close, which `closed` reports
    socket.once('open', () =>
      resolve({
        socket,
        frames,
        closed,
        send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
        // 15 s by default: the frame may come from a function's first run, a cold start, slow on a loaded 2-core machine.
        next(match, timeoutMs = 15_000) {
          return new Promise((resolveFrame, rejectFrame) => {
            const look = () => {
              const index = frames.findIndex((f, i) => !consumed.has(i) && match(f));
              if (index === -1) return false;
              consumed.add(index);
              waiters.delete(look);
              clearTimeout(timer);
              resolveFrame(frames[index]!);
              return true;
            };
            const timer = setTimeout(() => {
              waiters.delete(look);
              rejectFrame(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames).slice(0, 500)}`));
            }, timeoutMs);
            if (!look()) waiters.add(look);
          });
        },
      }),
    );
  });
}
