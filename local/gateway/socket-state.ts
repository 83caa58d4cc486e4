import WebSocket from 'ws';

/**
 * Calls `left` once, when the socket stops being OPEN. From then on the gateway sends it nothing (PostToConnection
 * gets 410), but `ws` says so only when the TCP connection has closed: a client's close frame, a protocol error or the
 * transport's end each only set ws 8's `_readyState` field. So the field becomes an accessor that notices the change.
 * `assertSocketStateSupported` fails the start if a `ws` upgrade ever removes it.
 */
export function onLeavingOpen(socket: WebSocket, left: () => void): void {
  let state = (socket as unknown as { _readyState: number })._readyState;
  Object.defineProperty(socket, '_readyState', {
    configurable: true,
    get: () => state,
    set: (value: number) => {
      const leaving = state === WebSocket.OPEN && value !== WebSocket.OPEN;
      state = value;
      if (leaving) left();
    },
  });
}

/** Fails at start-up, not silently later, when `ws` no longer keeps its state in `_readyState`. */
export function assertSocketStateSupported(): void {
  const probe = new (WebSocket as unknown as new (address: null, protocols: undefined, options: object) => WebSocket)(null, undefined, {});
  const field = Object.getOwnPropertyDescriptor(probe, '_readyState');
  if (field === undefined || !('value' in field) || probe.readyState !== field.value) {
    throw new Error('This version of ws does not keep its state in _readyState: posts to closing connections cannot be told apart; use ws 8');
  }
}
